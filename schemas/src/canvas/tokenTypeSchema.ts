import { z } from 'zod';

/** Declared token value types (contract §5). */
export const TOKEN_TYPES = ['string', 'number', 'boolean', 'enum', 'color', 'json'] as const;

export const tokenTypeSchema = z.enum(TOKEN_TYPES, { error: `must be one of ${TOKEN_TYPES.join(', ')}` });

export type TokenType = z.infer<typeof tokenTypeSchema>;
