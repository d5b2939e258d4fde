import type pino from 'pino';
import type { OpenTurnEntry } from '../../core/commands/TurnRecords.ts';
import type { GatewayCore } from '../../core/GatewayCore.ts';

const PAGE = 1000;
/** Most events scanned per left-behind turn. */
const MAX_EVENTS = 200_000;
const ENDS = new Set(['turn_cancelled', 'commit_succeeded', 'commit_failed']);

/** Who settles interrupted turns. */
export const RECOVERY_ACTOR = { id: 'easel-gateway', kind: 'service' } as const;

/** Whether a left-behind turn was accepted and whether it ended (bounded scan of its canvas's events). */
export async function turnState(
  core: GatewayCore,
  entry: OpenTurnEntry,
): Promise<{ accepted: boolean; ended: boolean }> {
  let accepted = false;
  let after = entry.after_seq;
  for (let scanned = 0; scanned < MAX_EVENTS; ) {
    const page = await core.spine.read(entry.partition, after, { canvasId: entry.scope.canvas_id, limit: PAGE });
    for (const event of page) {
      if (!event.envelope.includes(entry.turn_id)) continue;
      let turnId: unknown;
      try {
        turnId = (JSON.parse(event.envelope) as { payload?: { turn_id?: unknown } }).payload?.turn_id;
      } catch {
        continue;
      }
      if (turnId !== entry.turn_id) continue;
      if (event.type === 'turn_accepted') accepted = true;
      else if (ENDS.has(event.type)) return { accepted, ended: true };
    }
    scanned += page.length;
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.seq;
  }
  return { accepted, ended: false };
}

/**
 * Ends the turns a stopped gateway left open (`kill -9` between preview and commit): a turn with
 * `turn_accepted` and no `turn_cancelled` / `commit_succeeded` / `commit_failed` gets
 * `turn_cancelled` with `reason: "interrupted"`; nothing of it is applied (its commit is one
 * atomic append that never happened). Runs before the gateway serves. Returns the turn ids ended.
 * Never throws (a failure is logged; the lists stay for the next start).
 */
export async function recoverTurns(core: GatewayCore, logger?: pino.Logger): Promise<string[]> {
  const ended: string[] = [];
  try {
    for (const list of await core.turnRecords.leftBehind()) {
      let settled = true;
      for (const entry of list.turns) {
        const state = await turnState(core, entry);
        if (!state.accepted || state.ended) continue;
        const r = await core.appendTurnEvents(
          { scope: entry.scope, turnId: entry.turn_id, sessionId: entry.session_id },
          RECOVERY_ACTOR,
          [{ type: 'turn_cancelled', payload: { turn_id: entry.turn_id, reason: 'interrupted' } }],
        );
        if (r.ok) ended.push(entry.turn_id);
        else {
          settled = false;
          logger?.warn({ error: r.error, turn: entry.turn_id }, 'could not end an interrupted turn');
        }
      }
      if (settled) await list.clear();
    }
    if (ended.length > 0) logger?.warn({ turns: ended }, 'turns interrupted by a gateway stop ended turn_cancelled');
  } catch (err) {
    logger?.warn({ err }, 'recovering interrupted turns failed; retried at the next start');
  }
  return ended;
}
