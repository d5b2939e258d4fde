import { z } from 'zod';

/** Any JSON value (null, boolean, finite number, string, array, object). */
export const jsonValueSchema = z.json();

export type JsonValue = z.infer<typeof jsonValueSchema>;

/** A JSON object (string keys, JSON values). */
export const jsonObjectSchema = z.record(z.string(), jsonValueSchema);

export type JsonObject = z.infer<typeof jsonObjectSchema>;
