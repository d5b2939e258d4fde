// @easel/schemas/guards — the contract without zod, for browser bundles: generated guards that
// accept exactly what the zod schemas accept (`pnpm schemas:gen` writes them from the schemas), and
// the cursor helpers a stream reader needs. Every module behind this entry is free of side effects,
// and the entry reaches nothing else (a bundler splitting a lazily loaded zod chunk would otherwise
// move the modules both reach into the first load). More pure helpers: `@easel/schemas/pure`.
// Named exports only.

// guards (generated)
export {
  actorKindGuard,
  awarenessStateGuard,
  batchResponseGuard,
  canvasCommitPayloadGuard,
  canvasCreatedPayloadGuard,
  canvasReadyPayloadGuard,
  chatTokenPayloadGuard,
  commandOutcomeGuard,
  commitFailedPayloadGuard,
  commitSucceededPayloadGuard,
  envelopeGuard,
  ERROR_CODE_BY_STATUS,
  errorBodyGuard,
  errorEventPayloadGuard,
  EVENT_PAYLOAD_GUARDS,
  extendedJobResponseGuard,
  jobCompletedPayloadGuard,
  framePayloadGuard,
  logLinePayloadGuard,
  modelStatusPayloadGuard,
  partialResultPayloadGuard,
  pluginHealthGuard,
  pluginInspectorGuard,
  pluginInvokeResultGuard,
  pluginListGuard,
  pluginStatusPayloadGuard,
  presenceTicketGuard,
  progressPayloadGuard,
  realtimeMessageGuard,
  runCreatedGuard,
  runEventPayloadGuard,
  runInfoGuard,
  runStartedPayloadGuard,
  sidecarCreateResponseGuard,
  sidecarResolveResponseGuard,
  snapshotCreatedPayloadGuard,
  statePatchPayloadGuard,
  streamClosedPayloadGuard,
  tokenPatchPayloadGuard,
  turnAcceptedPayloadGuard,
  turnCancelledPayloadGuard,
  turnFinalPayloadGuard,
  warningPayloadGuard,
} from './generated/guards.ts';
export type { Guard, GuardIssue, GuardResult } from './runtime.ts';

// cursor (contract §4)
export {
  compareCursors,
  decodeCursor,
  encodeCursor,
  isValidEpoch,
  type Cursor,
  type DecodeCursorResult,
} from '../cursor/cursor.ts';
