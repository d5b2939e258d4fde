import { z } from 'zod';
import { typedEnvelopeSchema } from './envelopeSchema.ts';
import type { EventType } from './eventTypes.ts';
import { canvasCommitPayloadSchema } from './payloads/canvasCommitPayloadSchema.ts';
import { canvasCreatedPayloadSchema } from './payloads/canvasCreatedPayloadSchema.ts';
import { canvasReadyPayloadSchema } from './payloads/canvasReadyPayloadSchema.ts';
import { canvasReadyUpdatePayloadSchema } from './payloads/canvasReadyUpdatePayloadSchema.ts';
import { chatTokenPayloadSchema } from './payloads/chatTokenPayloadSchema.ts';
import { commitFailedPayloadSchema } from './payloads/commitFailedPayloadSchema.ts';
import { commitSucceededPayloadSchema } from './payloads/commitSucceededPayloadSchema.ts';
import { errorEventPayloadSchema } from './payloads/errorEventPayloadSchema.ts';
import { framePayloadSchema } from './payloads/framePayloadSchema.ts';
import { jobCompletedPayloadSchema } from './payloads/jobCompletedPayloadSchema.ts';
import { logLinePayloadSchema } from './payloads/logLinePayloadSchema.ts';
import { modelStatusPayloadSchema } from './payloads/modelStatusPayloadSchema.ts';
import { partialResultPayloadSchema } from './payloads/partialResultPayloadSchema.ts';
import { pluginStatusPayloadSchema } from './payloads/pluginStatusPayloadSchema.ts';
import { progressPayloadSchema } from './payloads/progressPayloadSchema.ts';
import { runEventPayloadSchema } from './payloads/runEventPayloadSchema.ts';
import { runStartedPayloadSchema } from './payloads/runStartedPayloadSchema.ts';
import { snapshotCreatedPayloadSchema } from './payloads/snapshotCreatedPayloadSchema.ts';
import { statePatchPayloadSchema } from './payloads/statePatchPayloadSchema.ts';
import { streamClosedPayloadSchema } from './payloads/streamClosedPayloadSchema.ts';
import { tokenPatchPayloadSchema } from './payloads/tokenPatchPayloadSchema.ts';
import { turnAcceptedPayloadSchema } from './payloads/turnAcceptedPayloadSchema.ts';
import { turnCancelledPayloadSchema } from './payloads/turnCancelledPayloadSchema.ts';
import { turnFinalPayloadSchema } from './payloads/turnFinalPayloadSchema.ts';
import { warningPayloadSchema } from './payloads/warningPayloadSchema.ts';

/** Payload schema of each event type. */
export const EVENT_PAYLOAD_SCHEMAS = {
  CANVAS_READY: canvasReadyPayloadSchema,
  CANVAS_READY_UPDATE: canvasReadyUpdatePayloadSchema,
  canvas_created: canvasCreatedPayloadSchema,
  token_patch: tokenPatchPayloadSchema,
  state_patch: statePatchPayloadSchema,
  canvas_commit: canvasCommitPayloadSchema,
  snapshot_created: snapshotCreatedPayloadSchema,
  turn_accepted: turnAcceptedPayloadSchema,
  model_status: modelStatusPayloadSchema,
  chat_token: chatTokenPayloadSchema,
  turn_final: turnFinalPayloadSchema,
  turn_cancelled: turnCancelledPayloadSchema,
  commit_succeeded: commitSucceededPayloadSchema,
  commit_failed: commitFailedPayloadSchema,
  progress: progressPayloadSchema,
  plugin_status: pluginStatusPayloadSchema,
  frame: framePayloadSchema,
  partial_result: partialResultPayloadSchema,
  warning: warningPayloadSchema,
  error: errorEventPayloadSchema,
  job_completed: jobCompletedPayloadSchema,
  run_started: runStartedPayloadSchema,
  run_event: runEventPayloadSchema,
  log_line: logLinePayloadSchema,
  stream_closed: streamClosedPayloadSchema,
} as const satisfies Record<EventType, z.ZodType>;

/** Payload type of each event type. */
export type EventPayloads = { [T in EventType]: z.infer<(typeof EVENT_PAYLOAD_SCHEMAS)[T]> };

/** Any downstream event: the envelope with its payload typed by `type` (zero-protocol's `down.ts`). */
export const downstreamEventSchema = z.discriminatedUnion('type', [
  typedEnvelopeSchema('CANVAS_READY', EVENT_PAYLOAD_SCHEMAS.CANVAS_READY),
  typedEnvelopeSchema('CANVAS_READY_UPDATE', EVENT_PAYLOAD_SCHEMAS.CANVAS_READY_UPDATE),
  typedEnvelopeSchema('canvas_created', EVENT_PAYLOAD_SCHEMAS.canvas_created),
  typedEnvelopeSchema('token_patch', EVENT_PAYLOAD_SCHEMAS.token_patch),
  typedEnvelopeSchema('state_patch', EVENT_PAYLOAD_SCHEMAS.state_patch),
  typedEnvelopeSchema('canvas_commit', EVENT_PAYLOAD_SCHEMAS.canvas_commit),
  typedEnvelopeSchema('snapshot_created', EVENT_PAYLOAD_SCHEMAS.snapshot_created),
  typedEnvelopeSchema('turn_accepted', EVENT_PAYLOAD_SCHEMAS.turn_accepted),
  typedEnvelopeSchema('model_status', EVENT_PAYLOAD_SCHEMAS.model_status),
  typedEnvelopeSchema('chat_token', EVENT_PAYLOAD_SCHEMAS.chat_token),
  typedEnvelopeSchema('turn_final', EVENT_PAYLOAD_SCHEMAS.turn_final),
  typedEnvelopeSchema('turn_cancelled', EVENT_PAYLOAD_SCHEMAS.turn_cancelled),
  typedEnvelopeSchema('commit_succeeded', EVENT_PAYLOAD_SCHEMAS.commit_succeeded),
  typedEnvelopeSchema('commit_failed', EVENT_PAYLOAD_SCHEMAS.commit_failed),
  typedEnvelopeSchema('progress', EVENT_PAYLOAD_SCHEMAS.progress),
  typedEnvelopeSchema('plugin_status', EVENT_PAYLOAD_SCHEMAS.plugin_status),
  typedEnvelopeSchema('frame', EVENT_PAYLOAD_SCHEMAS.frame),
  typedEnvelopeSchema('partial_result', EVENT_PAYLOAD_SCHEMAS.partial_result),
  typedEnvelopeSchema('warning', EVENT_PAYLOAD_SCHEMAS.warning),
  typedEnvelopeSchema('error', EVENT_PAYLOAD_SCHEMAS.error),
  typedEnvelopeSchema('job_completed', EVENT_PAYLOAD_SCHEMAS.job_completed),
  typedEnvelopeSchema('run_started', EVENT_PAYLOAD_SCHEMAS.run_started),
  typedEnvelopeSchema('run_event', EVENT_PAYLOAD_SCHEMAS.run_event),
  typedEnvelopeSchema('log_line', EVENT_PAYLOAD_SCHEMAS.log_line),
  typedEnvelopeSchema('stream_closed', EVENT_PAYLOAD_SCHEMAS.stream_closed),
]);

export type DownstreamEvent = z.infer<typeof downstreamEventSchema>;

/** The downstream event of one type. */
export type DownstreamEventOf<T extends EventType> = Extract<DownstreamEvent, { type: T }>;
