// @easel/schemas/pure — the contract's pure helpers, registries and built-in canvas types without zod
// (no schema objects): for browser code that needs cursors, error codes or event types but not
// validation. Every module behind this entry is free of side effects. `@easel/schemas` (index.ts)
// re-exports all of it, so a name added here is on both entries. Named exports only.

export { PROTOCOL_VERSION, type ProtocolVersion } from './version.ts';
export {
  compareCursors,
  decodeCursor,
  encodeCursor,
  isValidEpoch,
  type Cursor,
  type DecodeCursorResult,
} from './cursor/cursor.ts';
export { ERROR_CODES, ERROR_CODE_LIST, errorStatus, type ErrorCode } from './errors/errorCodes.ts';
export { formatPath } from './errors/describeZodError.ts';
export { EVENT_TYPES, EVENT_TYPE_LIST, isDurableEvent, type EventGroup, type EventType } from './events/eventTypes.ts';
export {
  STREAM_CLOSE_REASONS,
  STREAM_CLOSE_REASON_LIST,
  type StreamCloseReason,
} from './events/streamCloseReasons.ts';
export { COMMAND_TYPES, COMMAND_TYPE_LIST, type CommandType } from './commands/commandTypes.ts';
export { RUN_COMMAND_TYPES, RUN_CREATE_COMMAND, type RunCommandType } from './later/runCommandTypes.ts';
export {
  PRESENCE_CLOSE_REASONS,
  PRESENCE_REFUSALS,
  type PresenceCloseReason,
  type PresenceRefusal,
} from './later/presenceReasons.ts';
export { partitionId } from './scope/partitionId.ts';
export { globMatch, globMatchAny } from './lens/globMatch.ts';
export {
  DEFAULT_TOKEN_MAX_LENGTH,
  MAX_JSON_TOKEN_BYTES,
  tokenDefault,
  validateTokenValue,
  type TokenValueResult,
  type TokenValueRules,
} from './canvas/validateTokenValue.ts';
export { base64DecodedLength } from './lib/base64.ts';
export {
  SLUG_PATTERN,
  SLUG_RE,
  ULID_PATTERN,
  ULID_RE,
  ENTITY_ID_PATTERN,
  ENTITY_ID_RE,
  COMMAND_ID_PATTERN,
  COMMAND_ID_RE,
  TOKEN_ID_PATTERN,
  TOKEN_ID_RE,
  ROOT_NAME_PATTERN,
  ROOT_NAME_RE,
  GLOB_PATTERN,
  ROLE_PATTERN,
} from './lib/patterns.ts';

// built-in canvas types (contract §5)
export { BOARD_MANIFEST } from './builtins/boardManifest.ts';
export { WHITEBOARD_MANIFEST } from './builtins/whiteboardManifest.ts';
