/**
 * The awareness bench's client process (forked by `presenceBench.ts`, driven over IPC): N
 * lightweight collaborators on one document, raw `ws` + just enough of the Hocuspocus protocol
 * (auth, sync step 1, awareness updates) — no HocuspocusProvider, no Y.Doc, no echo of what they
 * hear. Each moves its cursor at `hz` (the awareness clock is the set's sequence number) and reads
 * every awareness frame, so one monotonic clock times set → seen by the last other collaborator.
 */
import WebSocket from 'ws';
import { readCpuSeconds } from '../lib/procStats.ts';
import { awarenessFrame, authFrame, MSG, readFrame, syncStep1Frame } from './awarenessFrames.ts';
import type { AwarenessRun } from './PresenceResult.ts';
import { SetTracker } from './SetTracker.ts';
import type { WindowedClientMessage } from '../lib/runWindowedClient.ts';

/** How the collaborators authenticate: Easel tickets fetched per connection, or none (plain Hocuspocus). */
export type AwarenessAuth =
  | { kind: 'easel'; baseUrl: string; scope: Record<string, string>; tokens: string[]; actors: string[] }
  | { kind: 'none'; url: string; document: string };

export interface AwarenessSpec {
  auth: AwarenessAuth;
  collaborators: number;
  hz: number;
  warmupMs: number;
  measureMs: number;
}

/** Messages to the parent. */
export type WorkerMessage = WindowedClientMessage<AwarenessRun>;

const send = (message: WorkerMessage): void => {
  process.send?.(message);
};

interface Collaborator {
  ws: WebSocket;
  document: string;
  clientId: number;
  actor: string;
  seq: number;
  authenticated: boolean;
}

async function ticketFor(auth: Extract<AwarenessAuth, { kind: 'easel' }>, i: number) {
  const res = await fetch(`${auth.baseUrl}/v1/presence/tickets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${auth.tokens[i]}`, 'content-type': 'application/json' },
    body: JSON.stringify({ scope: auth.scope }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`presence ticket: ${res.status} ${text}`);
  return JSON.parse(text) as { ticket: string; url: string; document: string };
}

async function run(spec: AwarenessSpec): Promise<AwarenessRun> {
  const n = spec.collaborators;
  const tracker = new SetTracker(n);
  const byClientId = new Map<number, number>();
  const people: Collaborator[] = [];
  let inWindow = false;
  let deliveries = 0;

  // Connect everyone (tickets are single use and short-lived: fetched right before each socket).
  for (let i = 0; i < n; i++) {
    let url: string;
    let document: string;
    let token: string;
    if (spec.auth.kind === 'easel') {
      const t = await ticketFor(spec.auth, i);
      url = t.url;
      document = t.document;
      token = t.ticket;
    } else {
      url = spec.auth.url;
      document = spec.auth.document;
      token = 'bench';
    }
    const clientId = 1_000_000 + i * 7919 + Math.floor(Math.random() * 1000);
    byClientId.set(clientId, i);
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.binaryType = 'nodebuffer';
    const person: Collaborator = {
      ws,
      document,
      clientId,
      actor: spec.auth.kind === 'easel' ? spec.auth.actors[i]! : `bench-${i}`,
      seq: 0,
      authenticated: false,
    };
    people.push(person);
    ws.on('message', (data: Buffer) => {
      const frame = readFrame(data);
      if (frame.type === MSG.auth) {
        if (frame.authKind === 2) person.authenticated = true;
        return;
      }
      if (frame.entries === undefined) return;
      const now = performance.now();
      for (const [id, clock] of frame.entries) {
        const sender = byClientId.get(id);
        if (sender === undefined || sender === i) continue;
        if (inWindow) deliveries += 1;
        tracker.seen(i, sender, clock, now);
      }
    });
    ws.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`collaborator ${i}: no WebSocket open in 10 s`)), 10_000);
      ws.once('open', () => {
        clearTimeout(timer);
        ws.send(authFrame(document, token));
        ws.send(syncStep1Frame(document));
        resolve();
      });
      ws.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }
  const authDeadline = Date.now() + 10_000;
  while (people.some((p) => !p.authenticated)) {
    if (Date.now() > authDeadline) throw new Error('not every collaborator was authenticated within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }

  // Move cursors at hz, each collaborator on its own phase, on a drift-free schedule.
  const period = 1000 / spec.hz;
  const start = performance.now() + 50;
  let stopped = false;
  const timers: NodeJS.Timeout[] = [];
  people.forEach((person, i) => {
    const phase = Math.random() * period;
    let k = 0;
    const tick = () => {
      if (stopped) return;
      person.seq += 1;
      const state = JSON.stringify({
        actor: { id: person.actor, kind: 'human', name: person.actor, color: '#3366ff' },
        cursor: { x: person.seq % 1000, y: i },
      });
      const at = performance.now();
      tracker.sent(i, person.seq, at, inWindow);
      person.ws.send(awarenessFrame(person.document, person.clientId, person.seq, state));
      k += 1;
      timers[i] = setTimeout(tick, Math.max(0, start + phase + k * period - performance.now()));
    };
    timers[i] = setTimeout(tick, Math.max(0, start + phase - performance.now()));
  });

  await new Promise((resolve) => setTimeout(resolve, spec.warmupMs));
  send({ type: 'window', edge: 'start' });
  const cpu0 = readCpuSeconds(process.pid);
  const t0 = performance.now();
  const counted0 = tracker.counted;
  inWindow = true;
  await new Promise((resolve) => setTimeout(resolve, spec.measureMs));
  inWindow = false;
  const windowMs = performance.now() - t0;
  const clientCpu = (readCpuSeconds(process.pid) - cpu0) / (windowMs / 1000);
  send({ type: 'window', edge: 'end' });
  const sets = tracker.counted - counted0;
  // Let the last sets of the window arrive, then stop.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  stopped = true;
  for (const timer of timers) clearTimeout(timer);
  for (let i = 0; i < n; i++) tracker.expire(i, Number.POSITIVE_INFINITY);
  for (const p of people) p.ws.terminate();

  const sorted = [...tracker.latencies].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return {
    latency: { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN, n: sorted.length },
    setsPerSec: sets / (windowMs / 1000),
    deliveriesPerSec: deliveries / (windowMs / 1000),
    complete: sets === 0 ? Number.NaN : sorted.length / sets,
    clientCpu,
    windowMs,
  };
}

process.once('message', (message: { spec: AwarenessSpec }) => {
  run(message.spec).then(
    (value) => {
      send({ type: 'result', value });
      setTimeout(() => process.exit(0), 50);
    },
    (error: unknown) => {
      send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
      setTimeout(() => process.exit(1), 50);
    },
  );
});
