// @easel/schemas/guards — the contract without zod, for browser bundles: structural guards generated
// from the zod schemas (`pnpm schemas:gen`; what zod accepts, its `.refine` rules aside), and the
// cursor helpers a stream reader needs. Every module behind this entry is free of side effects,
// and the entry reaches nothing else (a bundler splitting a lazily loaded zod chunk would otherwise
// move the modules both reach into the first load). More pure helpers: `@easel/schemas/pure`.
// Named exports only.

// guards of events and presence states (generated); HTTP answers: `@easel/schemas/guards/answers`
export {
  actorKindGuard,
  awarenessStateGuard,
  canvasCommitPayloadGuard,
  canvasCreatedPayloadGuard,
  canvasReadyPayloadGuard,
  canvasReadyUpdatePayloadGuard,
  chatTokenPayloadGuard,
  commitFailedPayloadGuard,
  commitSucceededPayloadGuard,
  envelopeGuard,
  ERROR_CODE_BY_STATUS,
  errorEventPayloadGuard,
  EVENT_PAYLOAD_GUARDS,
  framePayloadGuard,
  jobCompletedPayloadGuard,
  logLinePayloadGuard,
  modelStatusPayloadGuard,
  partialResultPayloadGuard,
  pluginStatusPayloadGuard,
  progressPayloadGuard,
  realtimeMessageGuard,
  runEventPayloadGuard,
  runStartedPayloadGuard,
  snapshotCreatedPayloadGuard,
  statePatchPayloadGuard,
  streamClosedPayloadGuard,
  tokenPatchPayloadGuard,
  turnAcceptedPayloadGuard,
  turnCancelledPayloadGuard,
  turnFinalPayloadGuard,
  warningPayloadGuard,
} from './generated/guards.ts';
export { GUARD_RUNTIME, type Guard, type GuardIssue, type GuardResult, type GuardRuntime } from './runtime.ts';

// cursor (contract §4)
export {
  compareCursors,
  decodeCursor,
  encodeCursor,
  isValidEpoch,
  type Cursor,
  type DecodeCursorResult,
} from '../cursor/cursor.ts';
