import { afterEach, describe, expect, it } from 'vitest';
import { holdTurn, inTurn } from '../../core/spine/spineContract.ts';
import { isSpineError } from '../../core/spine/SpineError.ts';
import { applyPgMigrations, PG_MIGRATIONS } from './pgMigrations.ts';
import { adminClient, type PgTestSchema, pgTestSchema } from './pgTestHarness.ts';

/**
 * What only a database shared by several nodes shows: two `PgSpine`s (two pools, one schema)
 * stand for two gateway nodes.
 */
const P = 'acme/site';

const ev = (node: string, turn: number, i: number) => ({
  type: 'token_patch',
  canvasId: `c${i % 3}`,
  envelope: JSON.stringify({ node, turn, i }),
});

const outcome = (revision: number) => (seq: number) => ({ cursor: `e-${seq}`, revision });

describe('PgSpine on several nodes', () => {
  let db: PgTestSchema | undefined;
  afterEach(async () => {
    await db?.cleanup();
    db = undefined;
  });

  it('[CONTRACT 4] concurrent turns on one partition from two nodes: seqs gap-free, ordered, every event exactly once', async () => {
    db = await pgTestSchema();
    const nodes = { a: await db.open(), b: await db.open() };
    const TURNS = 12;
    const PER_TURN = 25;
    // Every turn of both nodes starts at once; each appends in steps across awaits (a lookup).
    const runs = Object.entries(nodes).flatMap(([name, spine]) =>
      Array.from({ length: TURNS }, (_, t) =>
        spine.turn(P, async (head) => {
          const seqs: number[] = [];
          for (let i = 0; i < PER_TURN; i++) {
            if (i % 10 === 0) await spine.lookupCommand(P, `${name}-${t}-${i}`);
            const appended = spine.append({
              partition: P,
              events: [ev(name, t, i)],
              commandId: `${name}-${t}-${i}`,
              outcome: outcome(i),
            });
            seqs.push(...appended.seqs);
          }
          return { name, t, head, seqs };
        }),
      ),
    );
    const turns = await Promise.all(runs);
    const total = 2 * TURNS * PER_TURN;
    // Each turn got a contiguous run right after the head it was given; the runs tile 1..total.
    for (const turn of turns) {
      expect(turn.seqs).toEqual(Array.from({ length: PER_TURN }, (_, i) => turn.head + 1 + i));
    }
    expect(turns.map((t) => t.head).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 2 * TURNS }, (_, i) => i * PER_TURN),
    );
    const rows = [];
    for (let after = 0; rows.length < total; ) {
      const page = await nodes.b.read(P, after, { limit: 200 });
      if (page.length === 0) break;
      rows.push(...page);
      after = page[page.length - 1]?.seq ?? after;
    }
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const envelopes = rows.map((r) => r.envelope);
    expect(new Set(envelopes).size).toBe(total);
    // The order within each turn is call order, and matches the seqs the turn was given.
    for (const turn of turns) {
      turn.seqs.forEach((seq, i) => {
        expect(envelopes[seq - 1]).toBe(ev(turn.name, turn.t, i).envelope);
      });
    }
    expect(await nodes.a.head(P)).toBe(total);
    expect(await nodes.b.head(P)).toBe(total);
    expect(await nodes.a.lookupCommand(P, `b-${TURNS - 1}-${PER_TURN - 1}`)).toEqual({
      cursor: expect.stringMatching(/^e-\d+$/),
      revision: PER_TURN - 1,
    });
  }, 60_000);

  it('[CONTRACT 5] a command id stored by node A is a duplicate on node B', async () => {
    db = await pgTestSchema();
    const a = await db.open();
    const b = await db.open();
    const first = await inTurn(a, P, async () => {
      expect(await a.lookupCommand(P, 'cmd-1')).toBeNull();
      return a.append({ partition: P, events: [ev('a', 0, 0)], commandId: 'cmd-1', outcome: outcome(1) });
    });
    await first.durable;
    // The gateway's order on B: look up inside the turn, then append: refused at once, no seq taken.
    const onB = await inTurn(b, P, async (head) => {
      expect(head).toBe(1);
      expect(await b.lookupCommand(P, 'cmd-1')).toEqual({ cursor: 'e-1', revision: 1 });
      const dup = b.append({ partition: P, events: [ev('b', 0, 0)], commandId: 'cmd-1', outcome: outcome(2) });
      const other = b.append({ partition: P, events: [ev('b', 0, 1)], commandId: 'cmd-2', outcome: outcome(2) });
      return { dup: dup.seqs, reason: dup.durable.catch((e: unknown) => e), other };
    });
    expect(onB.dup).toEqual([]);
    expect(isSpineError(await onB.reason, 'duplicate_command')).toBe(true);
    expect((await onB.other.durable).seqs).toEqual([2]);
    expect((await a.read(P, 0)).map((r) => r.envelope)).toEqual([ev('a', 0, 0).envelope, ev('b', 0, 1).envelope]);
    expect(await a.lookupCommand(P, 'cmd-2')).toEqual({ cursor: 'e-2', revision: 2 });
  });

  it('[CONTRACT 5] a turn whose connection is killed rejects its appends, stores nothing, and the other node proceeds', async () => {
    db = await pgTestSchema();
    const admin = db.admin;
    // Names unique to this schema: the kill below must find node A of this test only (other runs
    // of the suite may share the server).
    const nodeA = `easel-node-a-${db.schema}`;
    const a = await db.open({ applicationName: nodeA });
    const b = await db.open({ applicationName: `easel-node-b-${db.schema}` });
    await (await inTurn(a, P, () => a.append({ partition: P, events: [ev('a', 0, 0)] }))).durable;

    // Node A holds the partition's turn with appends pending…
    const held = await holdTurn(a, P);
    expect(held.head).toBe(1);
    const lost = a.append({
      partition: P,
      events: [ev('a', 1, 0), ev('a', 1, 1)],
      commandId: 'lost',
      outcome: outcome(1),
    });
    expect(lost.seqs).toEqual([2, 3]);
    // …node B asks for the same partition and waits on the row lock.
    let bStarted = false;
    const onB = b.turn(P, async (head) => {
      bStarted = true;
      expect(await b.lookupCommand(P, 'lost')).toBeNull();
      return { head, appended: b.append({ partition: P, events: [ev('b', 1, 0)] }) };
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(bStarted).toBe(false);

    // Node A's session dies under it (a real engine failure, as when its host is lost).
    const killed = await admin.query(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
       WHERE application_name = $1 AND state = 'idle in transaction'`,
      [nodeA],
    );
    expect(killed.rows).toEqual([{ ok: true }]);

    const bTurn = await onB;
    expect(bTurn.head).toBe(1);
    expect(bTurn.appended.seqs).toEqual([2]);
    await bTurn.appended.durable;

    // A learns at its commit: its appends reject, the turn rejects.
    const turnFailure = await held.close().then(
      () => null,
      (e: unknown) => e,
    );
    expect(isSpineError(turnFailure, 'write_failed')).toBe(true);
    await expect(lost.durable).rejects.toSatisfy((e) => isSpineError(e, 'write_failed'));
    expect((await a.read(P, 0)).map((r) => r.envelope)).toEqual([ev('a', 0, 0).envelope, ev('b', 1, 0).envelope]);
    expect(await b.lookupCommand(P, 'lost')).toBeNull();
    // Node A goes on with a fresh connection, after B's event.
    const next = await inTurn(a, P, (head) => {
      expect(head).toBe(2);
      return a.append({ partition: P, events: [ev('a', 2, 0)], commandId: 'lost', outcome: outcome(1) });
    });
    expect((await next.durable).seqs).toEqual([3]);
    expect(await b.head(P)).toBe(3);
  });

  it('[SPINE] migrations run concurrently by several nodes are idempotent: one history, one epoch', async () => {
    db = await pgTestSchema();
    const opened = await Promise.all([db.open(), db.open(), db.open()]);
    expect(new Set(opened.map((s) => s.epoch)).size).toBe(1);
    const history = await db.admin.query(`SELECT version, id FROM "${db.schema}".migrations ORDER BY version`);
    expect(history.rows).toEqual(PG_MIGRATIONS.map((m, i) => ({ version: i + 1, id: m.id })));
    // Two more runs at once on their own connections: nothing applied, same epoch.
    const clients = await Promise.all([adminClient(), adminClient()]);
    try {
      const again = await Promise.all(clients.map((c) => applyPgMigrations(c, db?.schema ?? '')));
      for (const result of again) {
        expect(result).toEqual({
          ok: true,
          value: { epoch: opened[0]?.epoch, schemaVersion: PG_MIGRATIONS.length, applied: [] },
        });
      }
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
    expect((await db.admin.query(`SELECT count(*)::int AS n FROM "${db.schema}".migrations`)).rows[0].n).toBe(
      PG_MIGRATIONS.length,
    );
  });

  it('[SPINE] putRecordIf from two nodes at once: exactly one wins each create and each move', async () => {
    db = await pgTestSchema();
    const nodes = [await db.open(), await db.open()];
    const PER_NODE = 8;
    for (let round = 0; round < 10; round++) {
      const key = `acme/site/id-${round}`;
      const racers = nodes.flatMap((spine, n) =>
        Array.from({ length: PER_NODE }, (_, i) => ({ spine, value: `n${n}-${i}` })),
      );
      const created = await Promise.all(racers.map((r) => r.spine.putRecordIf('job', key, r.value, null)));
      expect(created.filter(Boolean)).toHaveLength(1);
      const first = racers[created.indexOf(true)]!.value;
      for (const spine of nodes) expect(await spine.getRecord('job', key)).toBe(first);
      const moved = await Promise.all(racers.map((r) => r.spine.putRecordIf('job', key, `${r.value}+`, first)));
      expect(moved.filter(Boolean)).toHaveLength(1);
      const second = `${racers[moved.indexOf(true)]!.value}+`;
      for (const spine of nodes) expect(await spine.getRecord('job', key)).toBe(second);
    }
  });

  it('[SPINE] a migration list that differs from the schema history is refused', async () => {
    db = await pgTestSchema();
    await db.open();
    const client = await adminClient();
    try {
      const renamed = [{ id: '0001-renamed', sql: PG_MIGRATIONS[0]?.sql ?? (() => '') }];
      const refused = await applyPgMigrations(client, db.schema, renamed);
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.error.code).toBe('open_failed');
      const extended = [
        ...PG_MIGRATIONS,
        { id: '0002-test-tags', sql: (s: string) => `ALTER TABLE ${s}.records ADD COLUMN tags text` },
      ];
      const applied = await applyPgMigrations(client, db.schema, extended);
      expect(applied.ok && applied.value.applied).toEqual(['0002-test-tags']);
    } finally {
      await client.end();
    }
  });
});
