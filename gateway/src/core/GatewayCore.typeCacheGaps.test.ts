import { MemoryBus } from '../bus/MemoryBus.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { BUS_RESYNC_TOPIC } from './bus/EventBus.ts';
import type { GatewayCore } from './GatewayCore.ts';
import { ADMIN, command, scopeOf } from './testing/coreHarness.ts';
import { DOC_V11 } from './testing/docTypeVersions.ts';
import { docCanvasOn, eventually, twoMemoryNodes } from './testing/lostBroadcastFixtures.ts';
import type { SharedMemoryLog } from './testing/SharedMemoryLog.ts';

/**
 * A canvas type re-registered through another node whose broadcast was lost, where the re-check
 * (`BUS_RESYNC_TOPIC` here; the change marker's poll runs the same re-check) has no cached manifest
 * to compare: node b's loaded canvas must still adopt the new registration's text fields. The
 * marker's own poll is off (60 s) so the re-check runs exactly when the test says.
 */
let cores: GatewayCore[] = [];

afterEach(async () => {
  await Promise.all(cores.map((c) => c.close()));
  cores = [];
});

const twoNodes = () => twoMemoryNodes(cores, { changePollMs: 60_000 }, () => new MemoryBus());

/** The gateway's conversion events of canvas `d1` (appended once it adopted `text_fields`). */
async function conversions(log: SharedMemoryLog) {
  const events = await log.backing.read('acme/p1', 0, { canvasId: 'd1', limit: 100 });
  return events.filter((e) => JSON.parse(e.envelope).actor?.id === 'easel-gateway');
}

describe('GatewayCore: lost type broadcasts with nothing cached to compare', () => {
  it('[CONTRACT 5] a canvas.create on this node dropped the stale cached type before the re-check: its loaded canvases still adopt the new text fields', async () => {
    const { log, a, b, busB } = await twoNodes();
    await docCanvasOn(a, b);
    expect((await a.putCanvasType(ADMIN, 'p1', 'doc', DOC_V11)).ok).toBe(true); // b never hears of it
    // A create on b reads the type fresh (drops the stale cached one) and a read caches the new one.
    expect((await b.submit(ADMIN, command('canvas.create', scopeOf('d2'), { canvas_type: 'doc' }))).ok).toBe(true);
    const got = await b.getCanvasType(ADMIN, 'p1', 'doc');
    expect(got.ok && got.value.version).toBe('1.1.0');
    expect(await conversions(log)).toEqual([]);

    busB.broadcast(BUS_RESYNC_TOPIC, '');
    expect(await eventually(async () => (await conversions(log)).length > 0)).toBe(true);
    expect((await conversions(log)).map((e) => e.type)).toEqual(['state_patch']);
  });

  it('[CONTRACT 5] a loaded canvas whose type fell out of the bounded type cache adopts a re-registration whose broadcast was lost', async () => {
    const { log, a, b, busB } = await twoNodes();
    await docCanvasOn(a, b);
    // 10 000 other cached types push `acme/p1/doc` out of b's type cache (oldest first).
    for (let i = 0; i < 10_000; i++) expect((await b.getCanvasType(ADMIN, `q${i}`, 'board')).ok).toBe(true);
    expect((await a.putCanvasType(ADMIN, 'p1', 'doc', DOC_V11)).ok).toBe(true); // b never hears of it

    busB.broadcast(BUS_RESYNC_TOPIC, '');
    expect(await eventually(async () => (await conversions(log)).length > 0)).toBe(true);
    expect((await conversions(log)).map((e) => e.type)).toEqual(['state_patch']);
  });
});
