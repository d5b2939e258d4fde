import type { z } from 'zod';
import * as s from '../index.ts';

/**
 * The schemas that get a generated guard in `@easel/schemas/guards`: what clients validate
 * synchronously — the event envelope (every event payload is added), realtime messages, presence
 * states. Add a schema here to get `<name>Guard`.
 */
export const EVENT_GUARD_TARGETS: Readonly<Record<string, z.ZodType>> = {
  envelopeSchema: s.envelopeSchema,
  realtimeMessageSchema: s.realtimeMessageSchema,
  awarenessStateSchema: s.awarenessStateSchema,
  actorKindSchema: s.actorKindSchema,
};

/**
 * The HTTP answers clients read, guarded in `@easel/schemas/guards/answers`: a separate module, so
 * that a browser bundle can load it with the first answer instead of with the page.
 */
export const ANSWER_GUARD_TARGETS: Readonly<Record<string, z.ZodType>> = {
  errorBodySchema: s.errorBodySchema,
  commandOutcomeSchema: s.commandOutcomeSchema,
  batchResponseSchema: s.batchResponseSchema,
  presenceTicketSchema: s.presenceTicketSchema,
  runCreatedSchema: s.runCreatedSchema,
  runInfoSchema: s.runInfoSchema,
  extendedJobResponseSchema: s.extendedJobResponseSchema,
  pluginListSchema: s.pluginListSchema,
  pluginHealthSchema: s.pluginHealthSchema,
  pluginInspectorSchema: s.pluginInspectorSchema,
  pluginInvokeResultSchema: s.pluginInvokeResultSchema,
  sidecarCreateResponseSchema: s.sidecarCreateResponseSchema,
  sidecarResolveResponseSchema: s.sidecarResolveResponseSchema,
  snapshotCreatedPayloadSchema: s.snapshotCreatedPayloadSchema,
};

/** The export name of an event payload schema (`<type>PayloadSchema`, also when it aliases another schema). */
export function payloadExportName(schema: unknown): string {
  const names = Object.keys(s)
    .filter((name) => (s as Record<string, unknown>)[name] === schema)
    .sort((a, b) => Number(b.endsWith('PayloadSchema')) - Number(a.endsWith('PayloadSchema')) || (a < b ? -1 : 1));
  if (names[0] === undefined) throw new Error('an event payload schema is not exported by @easel/schemas');
  return names[0];
}
