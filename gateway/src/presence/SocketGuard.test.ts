import * as encoding from 'lib0/encoding';
import { beforeEach, describe, expect, it } from 'vitest';
import { HOCUSPOCUS_MESSAGE, readAwarenessBody, readFrameHead, writeAwarenessFrame } from './presenceFrames.ts';
import { ClientIdClaims } from './ClientIdClaims.ts';
import { type GuardOutcome, SocketGuard } from './SocketGuard.ts';

const DOC = 'acme/p1/c1';
const VIC = { actorId: 'vic', kind: 'human' } as const;
const state = (id: string, x = 0, kind = 'human') =>
  JSON.stringify({ actor: { id, kind, name: id, color: '#123456' }, cursor: { x, y: 0 } });

function frame(type: number, body: (e: encoding.Encoder) => void = () => {}, doc = DOC): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarString(e, doc);
  encoding.writeVarUint(e, type);
  body(e);
  return encoding.toUint8Array(e);
}
const auth = (doc = DOC) =>
  frame(
    HOCUSPOCUS_MESSAGE.auth,
    (e) => {
      encoding.writeVarUint(e, 0);
      encoding.writeVarString(e, 'ticket');
    },
    doc,
  );
const sync = () =>
  frame(HOCUSPOCUS_MESSAGE.sync, (e) => {
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint8Array(e, new Uint8Array([0]));
  });
const aware = (clientId: number, clock: number, text: string) =>
  writeAwarenessFrame(DOC, [{ clientId, clock, state: text }]);

/** Manual clock and timers. */
class Clock {
  now = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private next = 1;
  readonly api = {
    setTimeout: (fn: () => void, ms: number) => {
      const id = this.next++;
      this.timers.set(id, { at: this.now + ms, fn });
      return id;
    },
    clearTimeout: (id: unknown) => {
      this.timers.delete(id as number);
    },
  };
  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= target).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = target;
  }
  get pending(): number {
    return this.timers.size;
  }
}

let clock: Clock;
let delivered: Uint8Array[];
let closed: string[];
let counts: GuardOutcome[];
let live: Map<number, unknown>;
let guard: SocketGuard;

beforeEach(() => {
  clock = new Clock();
  delivered = [];
  closed = [];
  counts = [];
  live = new Map();
  guard = new SocketGuard({
    deliver: (d) => delivered.push(d),
    liveStates: () => live,
    close: (reason) => closed.push(reason),
    count: (o) => counts.push(o),
    now: () => clock.now,
    timers: clock.api,
    limits: {
      awarenessHz: 10,
      awarenessBurst: 2,
      messageHz: 5,
      messageBurst: 3,
      maxDocuments: 2,
      maxPendingMessages: 2,
    },
  });
});

const cursorsDelivered = () =>
  delivered
    .filter((d) => readFrameHead(d)?.type === HOCUSPOCUS_MESSAGE.awareness)
    .flatMap((d) => readAwarenessBody(d, readFrameHead(d)!.bodyOffset)!)
    .map((e) => (e.state === 'null' ? null : JSON.parse(e.state).cursor.x));

describe('SocketGuard', () => {
  it('[CONTRACT 7] before the ticket is checked: one auth message and a few queued messages pass', () => {
    guard.handle(auth());
    guard.handle(auth());
    guard.handle(sync());
    guard.handle(aware(1, 1, state('vic')));
    guard.handle(sync());
    expect(delivered).toHaveLength(3);
    expect(counts).toEqual(['message_dropped', 'message_dropped']);
    expect(guard.authorized).toBe(false);
  });

  it('[CONTRACT 7] re-emitted frames are checked once the ticket is accepted (and only once)', () => {
    const queued = aware(1, 1, state('ann'));
    guard.handle(auth());
    guard.handle(queued);
    guard.authorize(DOC, VIC);
    delivered.length = 0;
    guard.handle(queued); // Hocuspocus replays what it queued: now checked, and dropped (wrong actor)
    expect(delivered).toHaveLength(0);
    const good = aware(1, 2, state('vic'));
    guard.handle(good);
    guard.handle(good); // the same frame re-emitted: passes without counting twice
    expect(delivered).toEqual([good, good]);
    expect(counts.filter((c) => c === 'awareness_accepted')).toHaveLength(1);
  });

  it('[CONTRACT 7] awareness must satisfy the schema and name the ticket actor', () => {
    guard.authorize(DOC, VIC);
    guard.handle(aware(1, 1, state('ann')));
    guard.handle(aware(1, 2, state('vic', 0, 'agent')));
    guard.handle(aware(1, 3, JSON.stringify({ actor: { id: 'vic', kind: 'human', name: 'v', color: 'red' } })));
    guard.handle(aware(1, 4, '{broken'));
    guard.handle(
      aware(
        1,
        5,
        JSON.stringify({ actor: { id: 'vic', kind: 'human', name: 'v', color: '#fff' }, junk: 'x'.repeat(70_000) }),
      ),
    );
    guard.handle(new Uint8Array([...aware(1, 6, state('vic')), 0]));
    // Valid for the schema (extra fields pass as they are) and under the size limit, but nested
    // deep enough to overflow whatever re-serializes it for the other peers.
    const deep = `${'['.repeat(30_000)}${']'.repeat(30_000)}`;
    guard.handle(aware(1, 6, `{"actor":{"id":"vic","kind":"human","name":"v","color":"#fff"},"extra":${deep}}`));
    expect(delivered).toHaveLength(0);
    expect(counts.every((c) => c === 'awareness_invalid')).toBe(true);
    guard.handle(aware(1, 7, state('vic', 7)));
    expect(cursorsDelivered()).toEqual([7]);
  });

  it("[CONTRACT 7] a connection speaks for one client id: others' entries (echoes) are removed", () => {
    guard.authorize(DOC, VIC);
    live.set(2, JSON.parse(state('ann')));
    guard.handle(aware(2, 9, state('vic'))); // ann's live client id: not claimable
    expect(delivered).toHaveLength(0);
    guard.handle(aware(1, 1, state('vic', 1))); // claims 1
    guard.handle(
      writeAwarenessFrame(DOC, [
        { clientId: 2, clock: 10, state: state('ann', 9) },
        { clientId: 1, clock: 2, state: state('vic', 2) },
      ]),
    );
    guard.handle(aware(3, 1, state('vic', 3))); // a second id on the same connection
    expect(cursorsDelivered()).toEqual([1, 2]);
    expect(counts).toContain('awareness_foreign');
    // A reconnect of the same actor may take its own live client id over.
    live.set(5, JSON.parse(state('vic')));
    guard.forget(DOC);
    guard.authorize(DOC, VIC);
    guard.handle(aware(5, 3, state('vic', 5)));
    expect(cursorsDelivered()).toEqual([1, 2, 5]);
  });

  it('[CONTRACT 7] awareness is rate-limited: the excess is coalesced and the latest is sent', () => {
    guard.authorize(DOC, VIC);
    for (let i = 1; i <= 20; i++) guard.handle(aware(1, i, state('vic', i)));
    expect(cursorsDelivered()).toEqual([1, 2]); // the burst
    expect(clock.pending).toBe(1);
    clock.advance(100); // one token at 10 Hz
    expect(cursorsDelivered()).toEqual([1, 2, 20]);
    clock.advance(1000);
    expect(cursorsDelivered()).toEqual([1, 2, 20]);
    expect(clock.pending).toBe(0);
    // Sustained: one per 100 ms gets through as is.
    for (let i = 21; i <= 25; i++) {
      clock.advance(100);
      guard.handle(aware(1, i, state('vic', i)));
    }
    expect(cursorsDelivered().slice(3)).toEqual([21, 22, 23, 24, 25]);
  });

  it('[CONTRACT 7] stateless broadcasts are dropped; other messages have a budget whose excess closes', () => {
    guard.authorize(DOC, VIC);
    guard.handle(frame(HOCUSPOCUS_MESSAGE.broadcastStateless, (e) => encoding.writeVarString(e, 'hi')));
    guard.handle(frame(42));
    expect(delivered).toHaveLength(0);
    clock.advance(1000); // the two drops took from the budget: refilled
    for (let i = 0; i < 3; i++) guard.handle(sync());
    expect(delivered).toHaveLength(3);
    expect(closed).toEqual([]);
    guard.handle(sync());
    expect(closed).toEqual(['rate_limited']);
    guard.handle(sync());
    expect(delivered).toHaveLength(3);
  });

  it('[CONTRACT 7] dropped messages take from the message budget: a flood of them closes the socket (rate_limited)', () => {
    guard.authorize(DOC, VIC);
    const stateless = frame(HOCUSPOCUS_MESSAGE.stateless, (e) => encoding.writeVarString(e, 'hi'));
    for (let i = 0; i < 3; i++) guard.handle(i % 2 === 0 ? stateless : frame(42));
    expect(closed).toEqual([]);
    clock.advance(200); // one more message's worth (5 Hz)
    guard.handle(stateless);
    expect(closed).toEqual([]);
    guard.handle(stateless);
    expect(closed).toEqual(['rate_limited']);
    expect(delivered).toHaveLength(0);
    // A drop spends what a passed message would have: the budget is shared.
    const g = new SocketGuard({
      deliver: (d) => delivered.push(d),
      liveStates: () => undefined,
      close: (r) => closed.push(r),
      now: () => clock.now,
      limits: { messageHz: 5, messageBurst: 3 },
    });
    g.handle(auth());
    g.authorize(DOC, VIC);
    g.handle(stateless);
    g.handle(stateless);
    g.handle(sync());
    expect(delivered).toHaveLength(2); // the auth, one sync
    g.handle(sync());
    expect(closed).toEqual(['rate_limited', 'rate_limited']);
  });

  it('[CONTRACT 7] WebSocket pings and pongs take from the message budget: a ping flood closes the socket (rate_limited)', () => {
    guard.authorize(DOC, VIC);
    for (let i = 0; i < 3; i++) guard.control();
    expect(closed).toEqual([]);
    clock.advance(400); // two more (5 Hz)
    guard.control();
    guard.control();
    expect(closed).toEqual([]);
    guard.control();
    expect(closed).toEqual(['rate_limited']);
    guard.control(); // closed already: nothing more
    guard.handle(sync());
    expect([closed, delivered.length]).toEqual([['rate_limited'], 0]);
  });

  it('[CONTRACT 7] refused documents are dropped; too many documents or junk close the socket', () => {
    guard.handle(auth());
    expect(guard.refuse(DOC)).toBe(false);
    guard.handle(auth());
    guard.handle(sync());
    expect(delivered).toHaveLength(1);
    guard.handle(auth('acme/p1/c2'));
    guard.handle(auth('acme/p1/c3'));
    expect(closed).toEqual(['protocol_error']);
    const other = new SocketGuard({ deliver: () => {}, liveStates: () => undefined, close: (r) => closed.push(r) });
    other.handle(new Uint8Array([0]));
    expect(closed).toEqual(['protocol_error', 'protocol_error']);
  });

  it('[CONTRACT 7] a malformed auth or sync message closes the socket (Hocuspocus would throw on it)', () => {
    guard.handle(frame(HOCUSPOCUS_MESSAGE.auth, (e) => encoding.writeVarUint(e, 0)));
    expect([closed, delivered.length]).toEqual([['protocol_error'], 0]);
    const bad = [
      frame(HOCUSPOCUS_MESSAGE.sync, (e) => encoding.writeVarUint(e, 0)), // no state vector
      frame(HOCUSPOCUS_MESSAGE.sync, (e) => {
        encoding.writeVarUint(e, 9); // no such step
        encoding.writeVarUint8Array(e, new Uint8Array([0]));
      }),
      frame(HOCUSPOCUS_MESSAGE.syncReply, (e) => {
        encoding.writeVarUint(e, 1);
        encoding.writeVarUint8Array(e, new Uint8Array([7, 0xff, 0x80])); // not an update
      }),
    ];
    for (const message of bad) {
      const shut: string[] = [];
      const g = new SocketGuard({ deliver: () => {}, liveStates: () => undefined, close: (r) => shut.push(r) });
      g.handle(auth());
      g.authorize(DOC, VIC);
      g.handle(message);
      expect(shut).toEqual(['protocol_error']);
    }
  });

  it('[CONTRACT 7] a second auth and stateless messages of an authorized document are dropped', () => {
    guard.authorize(DOC, VIC);
    guard.handle(auth());
    guard.handle(frame(HOCUSPOCUS_MESSAGE.stateless, (e) => encoding.writeVarString(e, 'hi')));
    expect([delivered.length, closed]).toEqual([0, []]);
    expect(counts).toEqual(['message_dropped', 'message_dropped']);
  });

  it('[CONTRACT 7] bytes queued before tickets are checked are bounded per socket, and given back with the document', () => {
    const shut: string[] = [];
    const g = new SocketGuard({
      deliver: (d) => delivered.push(d),
      liveStates: () => undefined,
      close: (r) => shut.push(r),
      limits: { maxPendingBytes: 1000 },
    });
    const big = frame(HOCUSPOCUS_MESSAGE.sync, (e) => encoding.writeVarUint8Array(e, new Uint8Array(400)));
    g.handle(auth());
    g.handle(big);
    g.handle(big);
    g.forget(DOC); // Hocuspocus dropped its queue
    g.handle(auth());
    g.handle(big);
    g.handle(big);
    expect([shut, delivered.length]).toEqual([[], 6]);
    g.handle(big);
    expect([shut, delivered.length]).toEqual([['rate_limited'], 6]);
  });

  it("[CONTRACT 7] a client id bound to one actor is not another's, also for a while after it left", () => {
    let now = 0;
    const claims = new ClientIdClaims({ holdMs: 1000, now: () => now });
    const guardOf = (actorId: string) => {
      const out: Uint8Array[] = [];
      const g = new SocketGuard({ deliver: (d) => out.push(d), liveStates: () => undefined, claims, close: () => {} });
      g.authorize(DOC, { actorId, kind: 'human' });
      return { g, out };
    };
    const vic = guardOf('vic');
    vic.g.handle(aware(5, 1, state('vic')));
    expect(vic.out).toHaveLength(1);
    vic.g.dispose();
    now = 900;
    const ann = guardOf('ann');
    ann.g.handle(aware(5, 9, state('ann'))); // vic's id: refused, no claim made
    ann.g.handle(aware(6, 1, state('ann')));
    expect(ann.out.map((d) => readAwarenessBody(d, readFrameHead(d)!.bodyOffset)![0]!.clientId)).toEqual([6]);
    const back = guardOf('vic');
    back.g.handle(aware(5, 2, state('vic', 1)));
    expect(back.out).toHaveLength(1);
    back.g.dispose();
    now = 3000; // past holdMs: free again
    const eve = guardOf('eve');
    eve.g.handle(aware(5, 1, state('eve')));
    expect(eve.out).toHaveLength(1);
  });

  it('stops its timers when disposed', () => {
    guard.authorize(DOC, VIC);
    for (let i = 1; i <= 5; i++) guard.handle(aware(1, i, state('vic', i)));
    expect(clock.pending).toBe(1);
    guard.dispose();
    expect(clock.pending).toBe(0);
    guard.handle(aware(1, 9, state('vic', 9)));
    expect(cursorsDelivered()).toEqual([1, 2]);
  });
});
