// @easel/schemas/guards — the contract without zod, for browser bundles: generated guards that
// accept exactly what the zod schemas accept (`pnpm schemas:gen` writes them from the schemas),
// and the pure helpers and registries. Every module behind this entry is free of side effects.
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

// pure helpers and registries
export { PROTOCOL_VERSION } from '../version.ts';
export {
  compareCursors,
  decodeCursor,
  encodeCursor,
  isValidEpoch,
  type Cursor,
  type DecodeCursorResult,
} from '../cursor/cursor.ts';
export { ERROR_CODES, errorStatus, type ErrorCode } from '../errors/errorCodes.ts';
export { formatPath } from '../errors/describeZodError.ts';
export { EVENT_TYPES, isDurableEvent, type EventGroup, type EventType } from '../events/eventTypes.ts';
export { STREAM_CLOSE_REASONS, type StreamCloseReason } from '../events/streamCloseReasons.ts';
export { COMMAND_TYPES, type CommandType } from '../commands/commandTypes.ts';
export { RUN_COMMAND_TYPES, RUN_CREATE_COMMAND } from '../later/runCommandTypes.ts';
export { PRESENCE_CLOSE_REASONS, PRESENCE_REFUSALS } from '../later/presenceReasons.ts';
export { partitionId } from '../scope/partitionId.ts';
export { globMatch, globMatchAny } from '../lens/globMatch.ts';
export {
  DEFAULT_TOKEN_MAX_LENGTH,
  MAX_JSON_TOKEN_BYTES,
  tokenDefault,
  validateTokenValue,
  type TokenValueResult,
  type TokenValueRules,
} from '../canvas/validateTokenValue.ts';
export { base64DecodedLength } from '../lib/base64.ts';
