import { MAX_TURNS, reduceTurns, type TurnEventLike, type TurnView } from './reduceTurns.ts';

/**
 * Adds the turns a page missed (`GET /v1/canvases/{id}/turns`: durable turn events, in log
 * order) before the turns it saw live. A turn the live stream already shows is kept as the stream
 * shows it (the stream is newer than, or as new as, the history); the others are folded from
 * their events and put first, oldest first. Pure: returns `live` itself when nothing is added.
 */
export function mergeTurnHistory(live: readonly TurnView[], events: readonly TurnEventLike[]): readonly TurnView[] {
  let history: readonly TurnView[] = [];
  for (const event of events) history = reduceTurns(history, event);
  const shown = new Set(live.map((t) => t.turnId));
  const missed = history.filter((t) => !shown.has(t.turnId));
  if (missed.length === 0) return live;
  const out = [...missed, ...live];
  return out.length > MAX_TURNS ? out.slice(out.length - MAX_TURNS) : out;
}
