import type { Actor } from '@easel/schemas';
import { TURN_EVENT_TYPES } from '@easel/transport';

/** Where a turn is: accepted, streaming its answer, answered, then committed, failed or cancelled. */
export type TurnStatus = 'accepted' | 'streaming' | 'answered' | 'committed' | 'failed' | 'cancelled';

/** One agent turn, folded from its events (contract §4 chat/turns). */
export interface TurnView {
  readonly turnId: string;
  /** The prompt (from `turn_accepted`), when the stream carried it. */
  readonly prompt: string | null;
  readonly actor: Actor | null;
  readonly status: TurnStatus;
  /** The answer so far: streamed `chat_token`s in index order, replaced by `turn_final`'s text. */
  readonly output: string;
  readonly model: { readonly name: string; readonly status: string; readonly detail: string | null } | null;
  /** The commit outcome: applied at a revision, or refused with a reason. */
  readonly commit:
    | { readonly ok: true; readonly revision: number }
    | { readonly ok: false; readonly code: string; readonly message: string }
    | null;
  readonly cancelReason: string | null;
  /** The `chat.send` command that started it (the envelope's causation id). */
  readonly commandId: string | null;
  readonly startedAt: string;
  readonly updatedAt: string;
}

/** The event fields the reducer reads (an envelope, or a recorded one). */
export interface TurnEventLike {
  readonly type: string;
  readonly timestamp?: string;
  readonly actor?: Actor;
  readonly causation_id?: string | undefined;
  readonly turn_id?: string | undefined;
  readonly payload: Readonly<Record<string, unknown>>;
}

const FINAL: ReadonlySet<TurnStatus> = new Set(['committed', 'failed', 'cancelled']);

/** Most turns kept (oldest dropped first). */
export const MAX_TURNS = 200;

/** Streamed pieces are kept by index so out-of-order or repeated tokens never garble the text. */
const pieces = new WeakMap<TurnView, ReadonlyMap<number, string>>();

function joinPieces(map: ReadonlyMap<number, string>): string {
  return [...map.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, t]) => t)
    .join('');
}

/**
 * Folds one event into the turn list (pure: returns the same array when the event is not a turn
 * event). A turn seen first through a later event (e.g. a token before its `turn_accepted`) is
 * created on the spot; final states are never left by telemetry arriving late.
 */
export function reduceTurns(turns: readonly TurnView[], event: TurnEventLike): readonly TurnView[] {
  if (!(TURN_EVENT_TYPES as readonly string[]).includes(event.type)) return turns;
  const p = event.payload as Record<string, unknown>;
  const turnId = typeof p.turn_id === 'string' ? p.turn_id : (event.turn_id ?? null);
  if (turnId === null) return turns;
  const at = event.timestamp ?? new Date(0).toISOString();
  const index = turns.findIndex((t) => t.turnId === turnId);
  const existing: TurnView =
    index >= 0
      ? turns[index]!
      : {
          turnId,
          prompt: null,
          actor: null,
          status: 'accepted',
          output: '',
          model: null,
          commit: null,
          cancelReason: null,
          commandId: null,
          startedAt: at,
          updatedAt: at,
        };
  let next: TurnView = existing;
  const final = FINAL.has(existing.status);
  switch (event.type) {
    case 'turn_accepted':
      next = {
        ...existing,
        prompt: typeof p.text === 'string' ? p.text : existing.prompt,
        actor: event.actor ?? existing.actor,
        commandId: event.causation_id ?? existing.commandId,
        startedAt: index >= 0 ? existing.startedAt : at,
      };
      break;
    case 'model_status':
      next = {
        ...existing,
        model: {
          name: String(p.model),
          status: String(p.status),
          detail: typeof p.detail === 'string' ? p.detail : null,
        },
      };
      break;
    case 'chat_token': {
      if (final || existing.status === 'answered' || typeof p.text !== 'string' || typeof p.index !== 'number') break;
      const map = new Map(pieces.get(existing) ?? []);
      map.set(p.index, p.text);
      next = { ...existing, status: 'streaming', output: joinPieces(map) };
      pieces.set(next, map);
      break;
    }
    case 'turn_final':
      next = {
        ...existing,
        output: typeof p.text === 'string' ? p.text : existing.output,
        status: final ? existing.status : 'answered',
      };
      break;
    case 'turn_cancelled':
      next = {
        ...existing,
        status: existing.status === 'committed' ? existing.status : 'cancelled',
        cancelReason: typeof p.reason === 'string' ? p.reason : null,
      };
      break;
    case 'commit_succeeded':
      next = { ...existing, status: 'committed', commit: { ok: true, revision: Number(p.revision) } };
      break;
    case 'commit_failed': {
      const error = (p.error ?? {}) as { code?: unknown; message?: unknown };
      next = {
        ...existing,
        status: 'failed',
        commit: {
          ok: false,
          code: typeof error.code === 'string' ? error.code : 'error',
          message: typeof error.message === 'string' ? error.message : 'the commit was refused',
        },
      };
      break;
    }
  }
  if (next === existing && index >= 0) return turns;
  const kept = pieces.get(next) ?? pieces.get(existing);
  next = { ...next, updatedAt: at };
  if (kept) pieces.set(next, kept);
  const out = index >= 0 ? turns.map((t, i) => (i === index ? next : t)) : [...turns, next];
  return out.length > MAX_TURNS ? out.slice(out.length - MAX_TURNS) : out;
}

/** True while a turn can still change (not committed, failed or cancelled). */
export function isTurnOpen(turn: TurnView): boolean {
  return !FINAL.has(turn.status);
}
