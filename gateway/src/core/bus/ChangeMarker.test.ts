import { afterEach, describe, expect, it } from 'vitest';
import { type PgTestSchema, pgTestSchema, refuseWrites } from '../../spine/pg/pgTestHarness.ts';
import { ChangeMarker } from './ChangeMarker.ts';

/** Markers of two nodes on one real PostgreSQL schema (the shared spine's `records` table). */
let db: PgTestSchema | null = null;
const markers: ChangeMarker[] = [];

afterEach(async () => {
  for (const m of markers.splice(0)) m.close();
  await db?.cleanup();
  db = null;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function eventually(check: () => boolean, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
}

async function twoMarkers(checkB: () => Promise<boolean>) {
  db = await pgTestSchema();
  const [spineA, spineB] = [await db.open(), await db.open()];
  const a = new ChangeMarker({ spine: spineA, nodeId: 'a', intervalMs: 30, check: async () => true });
  const b = new ChangeMarker({ spine: spineB, nodeId: 'b', intervalMs: 30, check: checkB });
  markers.push(a, b);
  return { a, b, db };
}

describe('ChangeMarker', () => {
  it('[SCALE-OUT] a bump on one node makes every other node re-check once; no change, no re-check', async () => {
    let checks = 0;
    const { a } = await twoMarkers(async () => {
      checks += 1;
      return true;
    });
    // The first poll re-checks (no marker seen yet), later ones only on a change.
    expect(await eventually(() => checks === 1)).toBe(true);
    await sleep(200);
    expect(checks).toBe(1);
    await a.bump();
    expect(await eventually(() => checks === 2)).toBe(true);
    await sleep(200);
    expect(checks).toBe(2);
    await a.bump();
    await a.bump();
    expect(await eventually(() => checks >= 3)).toBe(true);
  });

  it('[SCALE-OUT] a re-check that failed runs again on the next poll', async () => {
    let checks = 0;
    let ok = false;
    await twoMarkers(async () => {
      checks += 1;
      return ok;
    });
    expect(await eventually(() => checks >= 3)).toBe(true);
    ok = true;
    const settled = checks;
    await sleep(200);
    expect(checks - settled).toBeLessThanOrEqual(1);
  });

  it('[SCALE-OUT] a bump the spine refused is stored on a later poll, and other nodes then re-check', async () => {
    let checks = 0;
    const { a, db } = await twoMarkers(async () => {
      checks += 1;
      return true;
    });
    expect(await eventually(() => checks === 1)).toBe(true);
    const restore = await refuseWrites(db.admin, db.schema);
    await a.bump(); // refused: never rejects
    await sleep(200);
    expect(checks).toBe(1);
    await restore();
    expect(await eventually(() => checks === 2)).toBe(true);
  });
});
