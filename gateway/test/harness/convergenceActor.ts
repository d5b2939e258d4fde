import { compareCursors as compareDecoded, decodeCursor } from '@easel/schemas';
import { type BackoffTier, CanvasTransport, type RejectedEdit, docToJson } from '@easel/transport';
import { type ActorName, CONV_MANIFEST } from './convergenceWorld.ts';
import { type SwitchableNetwork, switchableFetch } from './switchableFetch.ts';
import { bounded } from './bounded.ts';

export { bounded };

/** Short reconnect and retry tiers: the run cuts streams and restarts the gateway. */
export const FAST_TIERS: readonly BackoffTier[] = [
  { name: 'immediate', ms: 50 },
  { name: 'quick', ms: 150 },
  { name: 'patient', ms: 300 },
  { name: 'cap', ms: 600 },
];
interface Seen {
  cursor: string;
  type: string;
  eventId: string;
}

/** One transport of the convergence run and what it received. */
export interface ConvergenceActor {
  readonly name: ActorName;
  readonly t: CanvasTransport;
  readonly net: SwitchableNetwork;
  readonly seen: Seen[];
  readonly revisions: number[];
  readonly rejected: RejectedEdit[];
  /** Each CANVAS_READY: its cursor, and how many durable events the actor had seen before it. */
  readonly readies: Array<{ reset: boolean; reason?: string; cursor?: string; seenBefore?: number }>;
  readonly trace: string[];
  readonly errors: string[];
  /** The Yjs updates it received (snapshots and patches) as latin1 text, to look for hidden content. */
  readonly updates: Array<{ cursor: string | null; lensChanged: boolean; bytes: string }>;
  offline: boolean;
}

/** Compares two cursor texts (same epoch), like `compareCursors` does decoded ones. */
export function compareCursors(a: string, b: string): number {
  const x = decodeCursor(a);
  const y = decodeCursor(b);
  if (!x.ok || !y.ok) throw new Error(`not a cursor: ${a} / ${b}`);
  return compareDecoded(x.value, y.value);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** `promise`, or a rejection naming `what` after `ms`. */

/**
 * Opens (does not connect) a transport for `name` through its own switchable network (default a
 * fresh `switchableFetch()`), recording what it receives.
 */
export function openActor(
  name: ActorName,
  baseUrl: string,
  token: string,
  scope: Record<string, string>,
  network: SwitchableNetwork = switchableFetch(),
): ConvergenceActor {
  const t = new CanvasTransport({
    baseUrl,
    token,
    scope: scope as never,
    fetch: network.fetch,
    tiers: FAST_TIERS,
    paintFirst: false,
    commandAttempts: 40,
    requestTimeoutMs: 10_000,
  });
  const actor: ConvergenceActor = {
    name,
    t,
    net: network,
    seen: [],
    revisions: [],
    rejected: [],
    readies: [],
    trace: [],
    errors: [],
    updates: [],
    offline: false,
  };
  t.onEvent('*', (event) => {
    const e = event as unknown as {
      type: string;
      durable: boolean;
      event_id: string;
      payload: Record<string, unknown>;
    };
    actor.trace.push(
      `${t.cursor} ${e.type} r${String(e.payload.revision)}${e.type === 'CANVAS_READY' ? ` c${String(e.payload.cursor)} reset=${String(e.payload.reset)}` : ''}${e.type === 'canvas_commit' ? ` ${e.payload.kind} to=${String(e.payload.reverted_to)}` : ''}`,
    );
    // The revision each event brings (a resume's CANVAS_READY brings no state, so no revision).
    const revision = e.payload.revision;
    if (typeof revision === 'number' && (e.type !== 'CANVAS_READY' || e.payload.snapshot !== undefined))
      actor.revisions.push(revision);
    const snapshot = e.payload.snapshot as { update?: string } | undefined;
    const update = e.type === 'state_patch' ? e.payload.update : snapshot?.update;
    if (typeof update === 'string')
      actor.updates.push({
        cursor: t.cursor,
        lensChanged: e.payload.reason === 'lens_changed',
        bytes: Buffer.from(update, 'base64').toString('latin1'),
      });
    if (e.type === 'CANVAS_READY') {
      actor.readies.push({
        reset: e.payload.reset === true,
        reason: e.payload.reason as string | undefined,
        cursor: e.payload.cursor as string | undefined,
        seenBefore: actor.seen.length,
      });
      return;
    }
    // The mirror moved its cursor to this event's SSE id before telling listeners.
    if (e.durable && t.cursor !== null) actor.seen.push({ cursor: t.cursor, type: e.type, eventId: e.event_id });
  });
  t.onRejected((rejected) => actor.rejected.push(rejected));
  t.onProtocolError((error) => actor.errors.push(`${error.reason}: ${error.message}`));
  return actor;
}

/** The JSON of every readable root in the mirror (the roots `GET` returns for that lens). */
export function mirrorState(actor: ConvergenceActor, roots: readonly string[]): Record<string, unknown> {
  const all = docToJson(actor.t.doc, CONV_MANIFEST.roots);
  return Object.fromEntries(roots.map((r) => [r, all[r]]));
}
