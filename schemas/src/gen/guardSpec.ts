import type { z } from 'zod';
import * as s from '../index.ts';

/**
 * The schemas that get a generated guard (`@easel/schemas/guards`): what clients read from the
 * network — the event envelope and every payload, and the HTTP answers the transport parses.
 * Add a schema here to get `<name>Guard`.
 */
export const GUARD_TARGETS: Readonly<Record<string, z.ZodType>> = {
  envelopeSchema: s.envelopeSchema,
  realtimeMessageSchema: s.realtimeMessageSchema,
  errorBodySchema: s.errorBodySchema,
  commandOutcomeSchema: s.commandOutcomeSchema,
  batchResponseSchema: s.batchResponseSchema,
  presenceTicketSchema: s.presenceTicketSchema,
  awarenessStateSchema: s.awarenessStateSchema,
  actorKindSchema: s.actorKindSchema,
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

/** A refined schema's guard counterpart: how many custom checks it has, and the code that mirrors them. */
export interface GuardRefinement {
  readonly checks: number;
  /** Expressions over the exports of `guards/refinements.ts`, run in order on the checked value. */
  readonly code: readonly string[];
}

/**
 * Every refinement a guarded schema contains. The generator fails on a custom check it does not
 * find here (or a different number of them), so a new `.refine` cannot slip past the guards.
 */
export const GUARD_REFINEMENTS: ReadonlyMap<z.ZodType, GuardRefinement> = new Map<z.ZodType, GuardRefinement>([
  [s.frameRangeSchema, { checks: 1, code: ['frameRangeOrder'] }],
  [s.canvasTypeManifestSchema, { checks: 1, code: [`manifestLimits(${s.MAX_ROOTS}, ${s.MAX_TOKENS})`] }],
  [s.tokenDeclarationSchema, { checks: 1, code: ['tokenDeclarationRules'] }],
  [s.stateInsertOpSchema, { checks: 1, code: ['oneAddress(false)'] }],
  [s.stateUpdateOpSchema, { checks: 1, code: ['oneAddress(true)'] }],
  [s.stateDeleteOpSchema, { checks: 1, code: ['oneAddress(true)', 'lengthNeedsIndex'] }],
]);

/** The export name of an event payload schema (`<type>PayloadSchema`, also when it aliases another schema). */
export function payloadExportName(schema: unknown): string {
  const names = Object.keys(s)
    .filter((name) => (s as Record<string, unknown>)[name] === schema)
    .sort((a, b) => Number(b.endsWith('PayloadSchema')) - Number(a.endsWith('PayloadSchema')) || (a < b ? -1 : 1));
  if (names[0] === undefined) throw new Error('an event payload schema is not exported by @easel/schemas');
  return names[0];
}
