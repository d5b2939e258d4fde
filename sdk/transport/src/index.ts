// @easel/transport — the single Easel client. Named exports only.
export { CanvasTransport, type CanvasTransportOptions, type SendPayload } from './CanvasTransport.ts';
export { RealtimeClient, type RealtimeClientOptions, type RealtimeEvent } from './realtime/RealtimeClient.ts';
export {
  CONNECTION_STATES,
  CONNECTION_STATUSES,
  ConnectionMachine,
  FAILURE_KINDS,
  type Attempt,
  type ConnectionMachineOptions,
  type ConnectionState,
  type ConnectionStatus,
  type Failure,
  type FailureKind,
} from './connection/ConnectionMachine.ts';
export {
  BACKOFF_TIERS,
  backoffDelay,
  type BackoffDelay,
  type BackoffTier,
  type BackoffTierName,
} from './connection/backoff.ts';
export {
  PROTOCOL_ERROR_REASONS,
  SseReader,
  type ClosingInfo,
  type FrameParse,
  type ProtocolError,
  type ProtocolErrorReason,
  type ReadyInfo,
  type SseReaderOptions,
} from './sse/SseReader.ts';
export { readEventStream, type EventStreamCallbacks, type SseFrame } from './sse/readEventStream.ts';
export { parseEnvelope, type AnyEvent, type EventOf } from './sse/parseEnvelope.ts';
export {
  CanvasMirror,
  type CanvasMirrorOptions,
  type MirrorView,
  type PendingLocalEdits,
  type RebuildReason,
} from './mirror/CanvasMirror.ts';
export { REMOTE_ORIGIN, REPLAY_ORIGIN, isLocalOrigin } from './mirror/origins.ts';
export { applyProjection, docToJson, jsonToY } from './mirror/applyProjection.ts';
export {
  CommandSender,
  type BatchCommand,
  type CommandSenderOptions,
  type SendOptions,
  type SentCommand,
} from './commands/CommandSender.ts';
export type { CommandError, CommandErrorCode } from './commands/CommandError.ts';
export { CursorWaiter, type AwaitCursorOptions } from './commands/CursorWaiter.ts';
export { LocalEdits, type LocalEditsOptions, type RejectedEdit } from './local/LocalEdits.ts';
export { type Result, ok, err } from './lib/Result.ts';
export {
  resolveDeps,
  type Deps,
  type DepsOptions,
  type FetchLike,
  type Timers,
  type TransportLogger,
} from './lib/deps.ts';
export type { TokenSource } from './lib/token.ts';
export { ulid } from './lib/ulid.ts';
export { bytesToBase64, base64ToBytes } from './lib/base64.ts';
export { scopeQuery } from './scopeQuery.ts';
export {
  PRESENCE_STATUSES,
  Presence,
  type LocalPresence,
  type PresenceError,
  type PresenceOptions,
  type PresencePeer,
  type PresenceStatus,
} from './presence/Presence.ts';
export { fetchPresenceTicket, type FetchTicketOptions, type TicketError } from './presence/fetchPresenceTicket.ts';
export type { WebSocketConstructor } from './presence/loadWebSocket.ts';
export { ChatClient, TURN_EVENT_TYPES, type ChatClientOptions } from './agents/ChatClient.ts';
export {
  TURN_STATUSES,
  Turn,
  type TurnError,
  type TurnOutcome,
  type TurnStatus,
  type TurnView,
} from './agents/Turn.ts';
export { ReplayStream } from './agents/ReplayStream.ts';
export { RunsClient, type RunCallOptions, type RunsClientOptions } from './runs/RunsClient.ts';
export { Run, type RunOptions } from './runs/Run.ts';
export type { RunTask, RunVerdictEvent } from './runs/runInfo.ts';
export { JobsClient, type JobCreateRequest, type JobsClientOptions } from './jobs/JobsClient.ts';
export {
  PluginsClient,
  type PluginCallError,
  type PluginsClientOptions,
  type ToolFailure,
} from './plugins/PluginsClient.ts';
export { requestJson, type ApiContext, type ApiError, type ApiErrorCode } from './lib/requestJson.ts';
