// @easel/schemas — the wire contract (shared/CONTRACT.md) in code. Named exports only.
// This entry is `@easel/schemas/pure` (the zod-free part, listed once in pure.ts and re-exported whole
// below) plus the zod schemas and what needs them.

// version, cursors (contract §4), error codes (§3), event and command types (§4, §5), scope partitions,
// lens globs (§6), token rules and built-in canvas types (§5), id patterns: all of `./pure.ts`
export {
  base64DecodedLength,
  BOARD_MANIFEST,
  COMMAND_ID_PATTERN,
  COMMAND_ID_RE,
  COMMAND_TYPE_LIST,
  COMMAND_TYPES,
  compareCursors,
  decodeCursor,
  DEFAULT_TOKEN_MAX_LENGTH,
  encodeCursor,
  ENTITY_ID_PATTERN,
  ENTITY_ID_RE,
  ERROR_CODE_LIST,
  ERROR_CODES,
  errorStatus,
  EVENT_TYPE_LIST,
  EVENT_TYPES,
  formatPath,
  GLOB_PATTERN,
  globMatch,
  globMatchAny,
  isDurableEvent,
  isValidEpoch,
  MAX_JSON_TOKEN_BYTES,
  partitionId,
  PRESENCE_CLOSE_REASONS,
  PRESENCE_REFUSALS,
  PROTOCOL_VERSION,
  ROLE_PATTERN,
  ROOT_NAME_PATTERN,
  ROOT_NAME_RE,
  RUN_COMMAND_TYPES,
  RUN_CREATE_COMMAND,
  SLUG_PATTERN,
  SLUG_RE,
  STREAM_CLOSE_REASON_LIST,
  STREAM_CLOSE_REASONS,
  TOKEN_ID_PATTERN,
  TOKEN_ID_RE,
  tokenDefault,
  ULID_PATTERN,
  ULID_RE,
  validateTokenValue,
  WHITEBOARD_MANIFEST,
  type CommandType,
  type Cursor,
  type DecodeCursorResult,
  type ErrorCode,
  type EventGroup,
  type EventType,
  type PresenceCloseReason,
  type PresenceRefusal,
  type ProtocolVersion,
  type RunCommandType,
  type StreamCloseReason,
  type TokenValueResult,
  type TokenValueRules,
} from './pure.ts';

// shared building blocks
export { jsonValueSchema, jsonObjectSchema, type JsonValue, type JsonObject } from './lib/jsonValueSchema.ts';
export { isoTimestampSchema, type IsoTimestamp } from './lib/isoTimestampSchema.ts';
export { base64Schema } from './lib/base64Schema.ts';
export { opaqueIdSchema } from './lib/opaqueIdSchema.ts';
export { frameRangeSchema, type FrameRange } from './lib/frameRangeSchema.ts';

// scope (contract §1)
export { slugSchema, type Slug } from './scope/slugSchema.ts';
export { entityIdSchema, type EntityId } from './scope/entityIdSchema.ts';
export { scopeSchema, type Scope } from './scope/scopeSchema.ts';
export { canvasScopeSchema, type CanvasScope } from './scope/canvasScopeSchema.ts';

// identity (contract §2)
export { ACTOR_KINDS, actorKindSchema, type ActorKind } from './identity/actorKindSchema.ts';
export { actorSchema, type Actor } from './identity/actorSchema.ts';
export { jwtClaimsSchema, roleSchema, type JwtClaims } from './identity/jwtClaimsSchema.ts';

// errors (contract §3)
export {
  errorBodySchema,
  errorCodeSchema,
  errorInfoSchema,
  makeErrorBody,
  type ErrorBody,
  type ErrorInfo,
} from './errors/errorBodySchema.ts';
export {
  describeZodError,
  MAX_MESSAGE_LENGTH,
  type DescribedZodError,
  type ValidationIssue,
} from './errors/describeZodError.ts';

// events (contract §4)
export { envelopeSchema, typedEnvelopeSchema, type Envelope, type TypedEnvelope } from './events/envelopeSchema.ts';
export {
  canvasReadyPayloadSchema,
  canvasSnapshotSchema,
  type CanvasReadyPayload,
  type CanvasSnapshot,
} from './events/payloads/canvasReadyPayloadSchema.ts';
export {
  canvasReadyUpdatePayloadSchema,
  type CanvasReadyUpdatePayload,
} from './events/payloads/canvasReadyUpdatePayloadSchema.ts';
export { canvasCreatedPayloadSchema, type CanvasCreatedPayload } from './events/payloads/canvasCreatedPayloadSchema.ts';
export { tokenPatchPayloadSchema, type TokenPatchPayload } from './events/payloads/tokenPatchPayloadSchema.ts';
export { statePatchPayloadSchema, type StatePatchPayload } from './events/payloads/statePatchPayloadSchema.ts';
export {
  canvasCommitPayloadSchema,
  revertConflictSchema,
  type CanvasCommitPayload,
  type RevertConflict,
} from './events/payloads/canvasCommitPayloadSchema.ts';
export {
  snapshotCreatedPayloadSchema,
  type SnapshotCreatedPayload,
} from './events/payloads/snapshotCreatedPayloadSchema.ts';
export { turnAcceptedPayloadSchema, type TurnAcceptedPayload } from './events/payloads/turnAcceptedPayloadSchema.ts';
export {
  MODEL_STATUSES,
  modelStatusPayloadSchema,
  type ModelStatusPayload,
} from './events/payloads/modelStatusPayloadSchema.ts';
export { chatTokenPayloadSchema, type ChatTokenPayload } from './events/payloads/chatTokenPayloadSchema.ts';
export { turnFinalPayloadSchema, type TurnFinalPayload } from './events/payloads/turnFinalPayloadSchema.ts';
export { turnCancelledPayloadSchema, type TurnCancelledPayload } from './events/payloads/turnCancelledPayloadSchema.ts';
export {
  commitSucceededPayloadSchema,
  type CommitSucceededPayload,
} from './events/payloads/commitSucceededPayloadSchema.ts';
export { commitFailedPayloadSchema, type CommitFailedPayload } from './events/payloads/commitFailedPayloadSchema.ts';
export { progressPayloadSchema, type ProgressPayload } from './events/payloads/progressPayloadSchema.ts';
export { pluginStatusPayloadSchema, type PluginStatusPayload } from './events/payloads/pluginStatusPayloadSchema.ts';
export { framePayloadSchema, type FramePayload } from './events/payloads/framePayloadSchema.ts';
export { partialResultPayloadSchema, type PartialResultPayload } from './events/payloads/partialResultPayloadSchema.ts';
export { warningPayloadSchema, type WarningPayload } from './events/payloads/warningPayloadSchema.ts';
export { errorEventPayloadSchema, type ErrorEventPayload } from './events/payloads/errorEventPayloadSchema.ts';
export { jobCompletedPayloadSchema, type JobCompletedPayload } from './events/payloads/jobCompletedPayloadSchema.ts';
export { runEventPayloadSchema, type RunEventPayload } from './events/payloads/runEventPayloadSchema.ts';
export { runStartedPayloadSchema, type RunStartedPayload } from './events/payloads/runStartedPayloadSchema.ts';
export { LOG_LEVELS, logLinePayloadSchema, type LogLinePayload } from './events/payloads/logLinePayloadSchema.ts';
export { streamClosedPayloadSchema, type StreamClosedPayload } from './events/payloads/streamClosedPayloadSchema.ts';
export {
  downstreamEventSchema,
  EVENT_PAYLOAD_SCHEMAS,
  type DownstreamEvent,
  type DownstreamEventOf,
  type EventPayloads,
} from './events/downstreamEventSchema.ts';
export {
  turnHistoryEntrySchema,
  turnHistorySchema,
  type TurnHistory,
  type TurnHistoryEntry,
} from './events/turnHistorySchema.ts';

// commands (contract §5)
export { commandTypeSchema } from './commands/commandTypeSchema.ts';
export {
  canvasCreateCommandPayloadSchema,
  type CanvasCreateCommandPayload,
} from './commands/payloads/canvasCreateCommandPayloadSchema.ts';
export {
  tokenSetCommandPayloadSchema,
  type TokenSetCommandPayload,
} from './commands/payloads/tokenSetCommandPayloadSchema.ts';
export {
  tokenDeleteCommandPayloadSchema,
  type TokenDeleteCommandPayload,
} from './commands/payloads/tokenDeleteCommandPayloadSchema.ts';
export {
  MAX_STATE_UPDATE_BYTES,
  stateUpdateCommandPayloadSchema,
  type StateUpdateCommandPayload,
} from './commands/payloads/stateUpdateCommandPayloadSchema.ts';
export {
  MAX_STATE_OPS,
  stateOpsCommandPayloadSchema,
  type StateOpsCommandPayload,
} from './commands/payloads/stateOpsCommandPayloadSchema.ts';
export {
  canvasCommitCommandPayloadSchema,
  type CanvasCommitCommandPayload,
} from './commands/payloads/canvasCommitCommandPayloadSchema.ts';
export {
  canvasRevertCommandPayloadSchema,
  type CanvasRevertCommandPayload,
} from './commands/payloads/canvasRevertCommandPayloadSchema.ts';
export {
  chatSendCommandPayloadSchema,
  type ChatSendCommandPayload,
} from './commands/payloads/chatSendCommandPayloadSchema.ts';
export {
  turnCancelCommandPayloadSchema,
  type TurnCancelCommandPayload,
} from './commands/payloads/turnCancelCommandPayloadSchema.ts';
export {
  stateDeleteOpSchema,
  stateInsertOpSchema,
  stateMoveOpSchema,
  stateOpSchema,
  stateUpdateOpSchema,
  type StateOp,
} from './commands/stateOpSchema.ts';
export {
  COMMAND_PAYLOAD_SCHEMAS,
  commandIdSchema,
  commandSchema,
  type Command,
  type CommandOf,
} from './commands/commandSchema.ts';
export { commandOutcomeSchema, type CommandOutcome } from './commands/commandOutcomeSchema.ts';
export {
  batchItemOutcomeSchema,
  rejectedOutcomeSchema,
  type BatchItemOutcome,
  type RejectedOutcome,
} from './commands/batchItemOutcomeSchema.ts';
export {
  batchRequestSchema,
  batchRequestShellSchema,
  MAX_BATCH_COMMANDS,
  type BatchRequest,
  type BatchRequestShell,
} from './commands/batchRequestSchema.ts';
export { batchResponseSchema, type BatchResponse } from './commands/batchResponseSchema.ts';

// lens (contract §6)
export {
  accessListSchema,
  globSchema,
  rolePermissionsSchema,
  sidecarPermissionsSchema,
  type AccessList,
  type RolePermissions,
} from './lens/rolePermissionsSchema.ts';
export { lensPolicySchema, MAX_LENS_ROLES, type LensPolicy } from './lens/lensPolicySchema.ts';
export { DEFAULT_LENS_POLICY } from './lens/defaultLensPolicy.ts';
export { ADMIN_ROLE, effectivePermissions, type EffectivePermissions } from './lens/effectivePermissions.ts';
export { CONTRACT_EXAMPLE_LENS_POLICY } from './lens/exampleLensPolicy.ts';

// canvas types and state (contract §5)
export { ROOT_KINDS, rootKindSchema, type RootKind } from './canvas/rootKindSchema.ts';
export { rootNameSchema } from './canvas/rootNameSchema.ts';
export { tokenIdSchema } from './canvas/tokenIdSchema.ts';
export { TOKEN_TYPES, tokenTypeSchema, type TokenType } from './canvas/tokenTypeSchema.ts';
export {
  tokenDeclarationSchema,
  tokenDeclarationViewSchema,
  type TokenDeclaration,
} from './canvas/tokenDeclarationSchema.ts';
export {
  canvasToolPluginSchema,
  canvasToolSchema,
  canvasToolViewSchema,
  type CanvasTool,
  type CanvasToolPlugin,
} from './canvas/canvasToolSchema.ts';
export {
  canvasTypeManifestSchema,
  canvasTypeManifestViewSchema,
  MAX_ROOTS,
  MAX_TOKENS,
  MAX_TOOLS,
  type CanvasTypeManifest,
} from './canvas/canvasTypeManifestSchema.ts';
export { canvasStateSchema, type CanvasState } from './canvas/canvasStateSchema.ts';
export { MAX_TEXT_FIELDS, textFieldsSchema, type TextFields } from './canvas/textFieldsSchema.ts';

// later issues (contract §§7–10)
export { PLUGIN_STATES, pluginStateSchema, type PluginState } from './later/pluginStates.ts';
export { deviceSchema, type Device } from './later/deviceSchema.ts';
export {
  extendedJobResponseSchema,
  JOB_STATUSES,
  type ExtendedJobResponse,
} from './later/extendedJobResponseSchema.ts';
export { jobRequestSchema, pipelineStageSchema, type JobRequest } from './later/jobRequestSchema.ts';
export {
  RUN_EVENT_KINDS,
  runEventSchema,
  runThoughtEventSchema,
  runTokenEventSchema,
  runToolEventSchema,
  runVerdictEventSchema,
  type RunEvent,
  type RunEventKind,
} from './later/runEventSchema.ts';
export { realtimeMessageSchema, type RealtimeMessage } from './later/realtimeMessageSchema.ts';
export {
  jsonSchemaDocumentSchema,
  pluginManifestSchema,
  pluginNameSchema,
  pluginToolSchema,
  type PluginManifest,
  type PluginTool,
} from './later/pluginManifestSchema.ts';
export { pluginHealthSchema, type PluginHealth } from './later/pluginHealthSchema.ts';
export { pluginListSchema, type PluginList } from './later/pluginListSchema.ts';
export { pluginInspectorSchema, type PluginInspector } from './later/pluginInspectorSchema.ts';
export { pluginInvokeRequestSchema, type PluginInvokeRequest } from './later/pluginInvokeRequestSchema.ts';
export {
  PLUGIN_ERROR_KINDS,
  pluginInvokeResultSchema,
  type PluginInvokeResult,
} from './later/pluginInvokeResultSchema.ts';
export { budgetSchema, type Budget } from './later/budgetSchema.ts';
export { toolSpecSchema, type ToolSpec } from './later/toolSpecSchema.ts';
export {
  assertionSchema,
  scorerSchema,
  verifyContractSchema,
  type VerifyContract,
} from './later/verifyContractSchema.ts';
export { taskSpecSchema, type TaskSpec } from './later/taskSpecSchema.ts';
export { runRequestSchema, type RunRequest } from './later/runRequestSchema.ts';
export { runCreatedSchema, type RunCreated } from './later/runCreatedSchema.ts';
export {
  RUN_STATUSES,
  runInfoSchema,
  runStatusSchema,
  runUsageSchema,
  type RunInfo,
  type RunStatus,
  type RunUsage,
} from './later/runInfoSchema.ts';
export { presenceTicketRequestSchema, type PresenceTicketRequest } from './later/presenceTicketRequestSchema.ts';
export {
  MAX_PRESENCE_TICKET_SECONDS,
  presenceTicketSchema,
  type PresenceTicket,
} from './later/presenceTicketSchema.ts';
export { awarenessStateSchema, type AwarenessState } from './later/awarenessStateSchema.ts';
export {
  MAX_SIDECAR_BYTES,
  sidecarCreateRequestSchema,
  type SidecarCreateRequest,
} from './later/sidecarCreateRequestSchema.ts';
export { sidecarCreateResponseSchema, type SidecarCreateResponse } from './later/sidecarCreateResponseSchema.ts';
export { sidecarResolveResponseSchema, type SidecarResolveResponse } from './later/sidecarResolveResponseSchema.ts';

// HTTP bodies of the canvas, ops and dev endpoints
export {
  revisionEntrySchema,
  revisionListSchema,
  type RevisionEntry,
  type RevisionList,
} from './canvas/revisionListSchema.ts';
export { canvasTypeListSchema, type CanvasTypeList } from './canvas/canvasTypeListSchema.ts';
export { devTokenRequestSchema, type DevTokenRequest } from './ops/devTokenRequestSchema.ts';
export { devTokenResponseSchema, type DevTokenResponse } from './ops/devTokenResponseSchema.ts';
export { healthStatusSchema, type HealthStatus } from './ops/healthStatusSchema.ts';
