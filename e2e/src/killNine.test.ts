import { type CanvasTransport, docToJson, ulid } from '@easel/transport';
import { describe, expect, it } from 'vitest';
import { waitUntil } from './support/world.ts';
import { gatewayWorldPerSuite } from './support/gatewayWorldPerSuite.ts';

const COMMANDS = 300;
const KILL_AFTER = 100;
const BOARD_ROOTS = { notes: 'map', layout: 'map' } as const;

interface Acked {
  readonly commandId: string;
  readonly cursor: string;
  readonly status: string;
}

interface Seen {
  readonly type: string;
  readonly causation: string | undefined;
  readonly cursor: string | null;
}

/** Records every durable event a transport applies, with the cursor it was applied at. */
function record(transport: CanvasTransport): { seen: Seen[]; readies: Array<{ reset: boolean; snapshot: boolean }> } {
  const seen: Seen[] = [];
  const readies: Array<{ reset: boolean; snapshot: boolean }> = [];
  transport.onEvent('*', (event) => {
    if (event.type === 'CANVAS_READY' || !event.durable) return;
    seen.push({ type: event.type, causation: event.causation_id, cursor: transport.cursor });
  });
  transport.onReady((ready) => readies.push({ reset: ready.reset, snapshot: ready.snapshot !== undefined }));
  return { seen, readies };
}

function seqOf(cursor: string | null): number {
  return Number(cursor?.split('-').at(-1));
}

describe('[CONTRACT 4] durability through kill -9', () => {
  const suite = gatewayWorldPerSuite({ fixedPort: true });

  it('[CONTRACT 4] kill -9 while a writer commits and three subscribers stream: every acknowledged command arrives exactly once, in order', async () => {
    const { admin, scope } = await suite.world.newBoard('kill');

    const subscribers = [0, 1, 2].map(() => suite.world.transport(admin, scope, { idleTimeoutMs: 20_000 }).connect());
    const records = subscribers.map(record);
    for (const s of subscribers) expect((await s.ready({ timeoutMs: 10_000 })).ok).toBe(true);

    // The writer's fetch records every POST attempt's command_id, to see the retry after the crash.
    const attempts = new Map<string, number>();
    const recordingFetch = (input: string, init?: RequestInit) => {
      if (init?.method === 'POST' && typeof init.body === 'string') {
        const id = JSON.parse(init.body).command_id as string;
        attempts.set(id, (attempts.get(id) ?? 0) + 1);
      }
      return fetch(input, init);
    };
    const writer = suite.world.transport(await suite.world.token(['editor'], 'writer'), scope, {
      fetch: recordingFetch,
    });
    const acked: Acked[] = [];
    let killedAt = -1;
    let restarted = false;
    const crash = (async () => {
      await waitUntil(() => acked.length >= KILL_AFTER, 60_000, `${KILL_AFTER} acknowledged commands`);
      killedAt = acked.length;
      const pid = suite.gateway.child?.pid;
      await suite.gateway.restart('SIGKILL'); // kill -9 the server process, start it again on the same --data
      expect(suite.gateway.child?.pid).not.toBe(pid);
      restarted = true;
    })();

    for (let i = 0; i < COMMANDS; i++) {
      const commandId = ulid(Date.now(), Math.random);
      const result =
        i % 2 === 0
          ? await writer.setToken('plan.count', i, { commandId, maxAttempts: 200 })
          : await writer.applyOps([{ op: 'insert', root: 'notes', key: `w${i}`, value: { i } }], {
              commandId,
              maxAttempts: 200,
            });
      if (!result.ok)
        throw new Error(`command ${i} failed after retries: ${result.error.code} ${result.error.message}`);
      expect(result.value.commandId).toBe(commandId);
      acked.push({ commandId, cursor: result.value.cursor, status: result.value.status });
    }
    await crash;
    expect(restarted).toBe(true);
    expect(killedAt).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(killedAt).toBeLessThan(COMMANDS);

    // The command in flight at the crash was sent again under the same command_id.
    const retried = [...attempts].filter(([, n]) => n > 1).map(([id]) => id);
    expect(retried.length).toBeGreaterThanOrEqual(1);
    for (const id of retried) expect(acked.filter((a) => a.commandId === id)).toHaveLength(1);
    expect(attempts.size).toBe(COMMANDS);

    const last = acked.at(-1)!;
    for (const s of subscribers) {
      const seen = await s.awaitCursor(last.cursor, { timeoutMs: 60_000 });
      expect(seen.ok, JSON.stringify(seen)).toBe(true);
    }

    // Acknowledged cursors are strictly increasing (the writer was sequential).
    for (let i = 1; i < acked.length; i++) expect(seqOf(acked[i]!.cursor)).toBeGreaterThan(seqOf(acked[i - 1]!.cursor));
    const ackedIds = new Set(acked.map((a) => a.commandId));
    const read = await suite.world.getCanvas(admin, scope);

    records.forEach(({ seen, readies }, index) => {
      const label = `subscriber ${index}`;
      const mine = seen.filter((e) => e.causation !== undefined && ackedIds.has(e.causation));
      // Exactly once, in the order acknowledged, at the acknowledged cursor.
      expect(
        mine.map((e) => e.causation),
        label,
      ).toEqual(acked.map((a) => a.commandId));
      expect(
        mine.map((e) => e.cursor),
        label,
      ).toEqual(acked.map((a) => a.cursor));
      // Everything it applied is in strictly increasing cursor order (no replayed duplicate).
      for (let i = 1; i < seen.length; i++)
        expect(seqOf(seen[i]!.cursor), label).toBeGreaterThan(seqOf(seen[i - 1]!.cursor));
      expect(subscribers[index]!.streamCounts.duplicates, `${label}: duplicates the gateway replayed`).toBe(0);
      // It reconnected after the crash and resumed from its cursor (no reset: same log).
      expect(readies.length, label).toBeGreaterThanOrEqual(2);
      expect(
        readies.some((r) => r.reset),
        label,
      ).toBe(false);
      // Its mirror equals the materialized state.
      const s = subscribers[index]!;
      expect(docToJson(s.doc, BOARD_ROOTS), label).toEqual(read.state);
      expect(s.tokens, label).toEqual(read.tokens);
      expect(s.revision, label).toBe(read.revision);
    });
    expect(read.tokens['plan.count']).toBe(COMMANDS - 2);
    expect(Object.keys(read.state.notes).filter((k) => k.startsWith('w'))).toHaveLength(COMMANDS / 2);
  }, 180_000);
});
