import { envelope } from '../../testing/frames.ts';

/** Builders of the chat / run SSE frames a gateway sends, for in-memory tests. */

export interface TurnFrameExtras {
  /** Reuse an event id (a replayed frame). */
  eventId?: string;
  causationId?: string;
  actor?: { id: string; kind: 'human' | 'agent' | 'service' };
  turnId?: string;
  scope?: Record<string, string>;
}

/** An envelope plus its SSE text; `cursor` null for telemetry (no `id:` line). */
export function eventFrame(
  type: string,
  payload: Record<string, unknown>,
  cursor: string | null,
  extras: TurnFrameExtras = {},
): { text: string; eventId: string } {
  const env: Record<string, unknown> = envelope(type, payload, { durable: cursor !== null });
  if (extras.eventId !== undefined) env.event_id = extras.eventId;
  if (extras.causationId !== undefined) env.causation_id = extras.causationId;
  if (extras.actor !== undefined) env.actor = extras.actor;
  if (extras.turnId !== undefined) env.turn_id = extras.turnId;
  if (extras.scope !== undefined) env.scope = extras.scope;
  const text = `${cursor !== null ? `id: ${cursor}\n` : ''}event: ${type}\ndata: ${JSON.stringify(env)}\n\n`;
  return { text, eventId: env.event_id as string };
}

export const turnAccepted = (turnId: string, cursor: string, extras: TurnFrameExtras & { text?: string } = {}) =>
  eventFrame('turn_accepted', { turn_id: turnId, ...(extras.text ? { text: extras.text } : {}) }, cursor, {
    turnId,
    ...extras,
  });

export const chatToken = (turnId: string, index: number, text: string, extras: TurnFrameExtras = {}) =>
  eventFrame('chat_token', { turn_id: turnId, index, text }, null, { turnId, ...extras });

export const turnFinal = (turnId: string, text: string, cursor: string, extras: TurnFrameExtras = {}) =>
  eventFrame('turn_final', { turn_id: turnId, text }, cursor, { turnId, ...extras });

export const commitSucceeded = (turnId: string, revision: number, cursor: string) =>
  eventFrame('commit_succeeded', { turn_id: turnId, revision }, cursor, { turnId });

export const commitFailed = (turnId: string, code: string, message: string, cursor: string) =>
  eventFrame('commit_failed', { turn_id: turnId, error: { code, message } }, cursor, { turnId });

export const turnCancelled = (turnId: string, reason: string, cursor: string) =>
  eventFrame('turn_cancelled', { turn_id: turnId, reason }, cursor, { turnId });

export const modelStatus = (turnId: string, status: 'selected' | 'loading' | 'ready' | 'switching') =>
  eventFrame('model_status', { turn_id: turnId, model: 'local', status }, null, { turnId });
