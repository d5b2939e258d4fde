import type { CanvasTypeManifest } from '@easel/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MemoryBus } from '../../bus/MemoryBus.ts';
import { mustOpen } from '../../spine/sqliteTestHarness.ts';
import { GatewayCore } from '../GatewayCore.ts';
import type { EventSpine } from '../spine/EventSpine.ts';
import { ADMIN, command, harnessPerTest, scopeOf, yUpdate } from '../testing/coreHarness.ts';
import { SharedMemoryLog } from '../testing/SharedMemoryLog.ts';
import { DOC_V1, DOC_V11 } from '../testing/docTypeVersions.ts';

const h = harnessPerTest((path) => ({ spine: mustOpen({ path, durability: 'normal' }), bus: new MemoryBus() }));

const PARTITION = 'acme/p1';

async function register(core: GatewayCore, manifest: CanvasTypeManifest): Promise<void> {
  const put = await core.putCanvasType(ADMIN, 'p1', 'doc', manifest);
  if (!put.ok) throw new Error(put.error.message);
}

async function submitOk(core: GatewayCore, body: unknown): Promise<number> {
  const r = await core.submit(ADMIN, body);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value.revision;
}

const blockOps = (id: string, text: string, child?: string) => ({
  ops: [
    {
      op: 'insert',
      root: 'blocks',
      value: { id, kind: 'paragraph', text, ...(child ? { children: [{ id: `${id}c`, text: child }] } : {}) },
    },
  ],
});

/** Every durable event of the canvas, in order. */
async function eventsOf(spine: EventSpine, canvasId: string) {
  const events = await spine.read(PARTITION, 0, { canvasId, limit: 10_000 });
  return events.map((e) => ({ seq: e.seq, type: e.type, envelope: JSON.parse(e.envelope) }));
}

/** The canvas doc rebuilt from its durable state_patch events. */
async function durableDoc(spine: EventSpine, canvasId: string): Promise<Y.Doc> {
  const doc = new Y.Doc();
  for (const e of await eventsOf(spine, canvasId)) {
    if (e.type === 'state_patch') Y.applyUpdate(doc, Buffer.from(e.envelope.payload.update, 'base64'));
  }
  return doc;
}

function textOf(doc: Y.Doc, path: number[]): unknown {
  let node: unknown = doc.getArray('blocks').get(path[0]!);
  for (const i of path.slice(1)) node = ((node as Y.Map<unknown>).get('children') as Y.Array<unknown>).get(i);
  return (node as Y.Map<unknown>).get('text');
}

/** A doc canvas created under 1.0.0 holding two blocks with plain-string texts (one nested). */
async function oldCanvas(core: GatewayCore, canvasId: string): Promise<number> {
  await register(core, DOC_V1);
  const s = scopeOf(canvasId);
  await submitOk(core, command('canvas.create', s, { canvas_type: 'doc' }));
  await submitOk(core, command('state.ops', s, blockOps('b1', 'hello')));
  return submitOk(core, command('state.ops', s, blockOps('b2', 'two', 'kid')));
}

describe('TextFieldUpgrades: canvases created before their type declared text_fields', () => {
  it('[CONTRACT 5] re-registering the type converts a loaded canvas once, durably, by the gateway actor', async () => {
    const revision = await oldCanvas(h.core, 'live');
    expect(typeof textOf(await durableDoc(h.spine, 'live'), [0])).toBe('string');
    const before = (await eventsOf(h.spine, 'live')).length;

    await register(h.core, DOC_V11);
    const events = await eventsOf(h.spine, 'live');
    expect(events).toHaveLength(before + 1);
    const patch = events[events.length - 1]!;
    expect(patch.type).toBe('state_patch');
    expect(patch.envelope.actor).toEqual({ id: 'easel-gateway', kind: 'service' });
    expect(patch.envelope.payload).toMatchObject({ roots: ['blocks'], revision: revision + 1 });
    // Subscribers got it on the bus.
    expect(h.events.some((e) => e.seq === patch.seq && e.type === 'state_patch')).toBe(true);

    const doc = await durableDoc(h.spine, 'live');
    for (const path of [[0], [1], [1, 0]]) expect(textOf(doc, path)).toBeInstanceOf(Y.Text);
    const read = await h.core.readCanvas(ADMIN, scopeOf('live'));
    expect(read.ok && read.value.revision).toBe(revision + 1);
    expect(read.ok && read.value.state.blocks).toEqual([
      { id: 'b1', kind: 'paragraph', text: 'hello' },
      { id: 'b2', kind: 'paragraph', text: 'two', children: [{ id: 'b2c', text: 'kid' }] },
    ]);

    // The canvas adopted the declaration: raw plain strings there are refused, state.ops writes Y.Text.
    const state = Y.encodeStateAsUpdate(doc);
    const raw = await h.core.submit(
      ADMIN,
      command('state.update', scopeOf('live'), {
        update: yUpdate((d) => (d.getArray('blocks').get(0) as Y.Map<unknown>).set('text', 'plain'), state),
      }),
    );
    expect(!raw.ok && raw.error).toMatchObject({
      code: 'validation_failed',
      message: "state.update: blocks[…].text is a text field of canvas type 'doc'; set a Y.Text, not a string",
    });
    await submitOk(h.core, command('state.ops', scopeOf('live'), blockOps('b3', 'three')));
    expect(textOf(await durableDoc(h.spine, 'live'), [2])).toBeInstanceOf(Y.Text);

    // Registering again, and restarting, append nothing.
    const settled = (await eventsOf(h.spine, 'live')).length;
    await register(h.core, DOC_V11);
    await h.reopen();
    const again = await h.core.readCanvas(ADMIN, scopeOf('live'));
    expect(again.ok && again.value.revision).toBe(revision + 2);
    expect(await eventsOf(h.spine, 'live')).toHaveLength(settled);
  });

  it('[CONTRACT 5] a canvas loaded after the re-registration is converted before anyone reads it; a second load appends nothing', async () => {
    const revision = await oldCanvas(h.core, 'cold');
    await h.reopen();
    await register(h.core, DOC_V11); // not loaded: nothing happens yet
    const before = (await eventsOf(h.spine, 'cold')).length;
    const read = await h.core.readCanvas(ADMIN, scopeOf('cold'));
    expect(read.ok && read.value.revision).toBe(revision + 1);
    const events = await eventsOf(h.spine, 'cold');
    expect(events).toHaveLength(before + 1);
    expect(textOf(await durableDoc(h.spine, 'cold'), [1, 0])).toBeInstanceOf(Y.Text);

    await h.reopen();
    const again = await h.core.readCanvas(ADMIN, scopeOf('cold'));
    expect(again.ok && again.value.revision).toBe(revision + 1);
    expect(await eventsOf(h.spine, 'cold')).toHaveLength(before + 1);
  });

  it('[CONTRACT 5] types without text_fields, and canvases with nothing to convert, are left alone', async () => {
    const revision = await oldCanvas(h.core, 'plain');
    await h.reopen();
    const read = await h.core.readCanvas(ADMIN, scopeOf('plain'));
    expect(read.ok && read.value.revision).toBe(revision);
    expect(typeof textOf(await durableDoc(h.spine, 'plain'), [0])).toBe('string');
    await register(h.core, { ...DOC_V1, version: '1.0.1' });
    expect((await h.core.readCanvas(ADMIN, scopeOf('plain'))).ok && revision).toBe(revision);

    await register(h.core, DOC_V11);
    const fresh = scopeOf('fresh');
    await submitOk(h.core, command('canvas.create', fresh, { canvas_type: 'doc' }));
    const r = await submitOk(h.core, command('state.ops', fresh, blockOps('b1', 'x')));
    const n = (await eventsOf(h.spine, 'fresh')).length;
    await register(h.core, DOC_V11);
    await h.reopen();
    const after = await h.core.readCanvas(ADMIN, fresh);
    expect(after.ok && after.value.revision).toBe(r);
    expect(await eventsOf(h.spine, 'fresh')).toHaveLength(n);
  });
});

describe('TextFieldUpgrades on a shared spine (several writer nodes)', () => {
  let cores: GatewayCore[] = [];
  afterEach(async () => {
    await Promise.all(cores.map((c) => c.close()));
    cores = [];
  });

  it('[SCALE-OUT] both nodes hold the canvas when the type is re-registered: it is converted exactly once', async () => {
    const log = new SharedMemoryLog();
    const bus = new MemoryBus();
    const spines = [log.node(), log.node()];
    cores = await Promise.all(spines.map((spine) => GatewayCore.open({ spine, bus })));
    const [a, b] = cores as [GatewayCore, GatewayCore];
    const revision = await oldCanvas(a, 'shared');
    const onB = await b.readCanvas(ADMIN, scopeOf('shared'));
    expect(onB.ok && onB.value.revision).toBe(revision);
    const count = async () => (await spines[0]!.read(PARTITION, 0, { canvasId: 'shared', limit: 1000 })).length;
    const before = await count();

    // Both nodes react: A directly, B through the broadcast; B sees A's conversion first (or vice versa).
    await Promise.all([register(a, DOC_V11), register(b, DOC_V11)]);
    let after = 0;
    const deadline = Date.now() + 10_000; // bounded inside the test's timeout; a loaded machine may be late
    while (after === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      after = (await count()) - before;
    }
    await new Promise((r) => setTimeout(r, 100));
    expect((await count()) - before).toBe(1);
    const [ra, rb] = await Promise.all([
      a.readCanvas(ADMIN, scopeOf('shared')),
      b.readCanvas(ADMIN, scopeOf('shared')),
    ]);
    expect(ra.ok && ra.value.revision).toBe(revision + 1);
    expect(rb.ok && rb.value.revision).toBe(revision + 1);
  });
});
