import { canvasTypeManifestSchema } from '@easel/schemas';
import { describe, expect, it } from 'vitest';
import { MemorySpine } from '../testing/MemorySpine.ts';
import { BUILTIN_CANVAS_TYPES } from './builtinCanvasTypes.ts';
import { CanvasTypeRegistry } from './CanvasTypeRegistry.ts';

const KIT = {
  type: 'kitboard',
  version: '1.0.0',
  title: 'Kit',
  roots: { notes: 'map', layout: 'map' },
  tokens: { 'plan.title': { type: 'string', max_length: 200, default: '' } },
  tools: [{ id: 'add-note', label: 'Add note', command: 'state.ops' }],
};

describe('CanvasTypeRegistry', () => {
  it('[CONTRACT 5] the built-ins are valid manifests and exist in every project', async () => {
    for (const m of BUILTIN_CANVAS_TYPES) expect(canvasTypeManifestSchema.safeParse(m).success).toBe(true);
    const reg = new CanvasTypeRegistry(new MemorySpine());
    expect((await reg.get('t/any', 'board'))?.roots).toEqual({ notes: 'map', layout: 'map' });
    expect((await reg.get('t/any', 'whiteboard'))?.roots).toEqual({ shapes: 'map', layers: 'array' });
    expect(await reg.get('t/any', 'kitboard')).toBeNull();
  });

  it('[CONTRACT 5] a registered type persists per project; re-registering replaces it', async () => {
    const spine = new MemorySpine();
    const reg = new CanvasTypeRegistry(spine);
    const put = await reg.put('t/p', 'kitboard', KIT);
    expect(put.ok).toBe(true);
    expect(await reg.get('t/other', 'kitboard')).toBeNull();
    const v2 = await reg.put('t/p', 'kitboard', { ...KIT, version: '2.0.0' });
    expect(v2.ok).toBe(true);
    const fresh = new CanvasTypeRegistry(spine);
    expect((await fresh.get('t/p', 'kitboard'))?.version).toBe('2.0.0');
    expect((await fresh.list('t/p')).map((m) => m.type)).toEqual(['board', 'kitboard', 'whiteboard']);
  });

  it('[CONTRACT 5] an invalid manifest is 400 naming the field; the path type must match', async () => {
    const reg = new CanvasTypeRegistry(new MemorySpine());
    const bad = await reg.put('t/p', 'kitboard', { ...KIT, roots: { notes: 'tree' } });
    expect(!bad.ok && bad.error.message).toContain('roots.notes');
    const mismatch = await reg.put('t/p', 'other', KIT);
    expect(!mismatch.ok && mismatch.error.message).toContain("'other'");
    const badType = await reg.put('t/p', 'Bad Type', KIT);
    expect(!badType.ok && badType.error.code).toBe('validation_failed');
  });
  it('[SCALE-OUT] refreshAll drops only the cached manifests whose stored registration another node changed', async () => {
    const spine = new MemorySpine();
    const here = new CanvasTypeRegistry(spine);
    const other = new CanvasTypeRegistry(spine); // another node on the same spine
    expect((await here.put('t/p', 'kitboard', KIT)).ok).toBe(true);
    expect((await here.put('t/q', 'kitboard', KIT)).ok).toBe(true);
    await here.get('t/p', 'board'); // a built-in, cached, not registered
    await here.get('t/q', 'board');
    expect(await here.refreshAll()).toEqual([]);
    expect((await other.put('t/p', 'kitboard', { ...KIT, version: '2.0.0' })).ok).toBe(true);
    expect((await other.put('t/q', 'board', { ...BUILTIN_CANVAS_TYPES[0], version: '9.0.0' })).ok).toBe(true);
    expect((await other.put('t/r', 'kitboard', KIT)).ok).toBe(true); // not cached here: not reported
    expect((await here.get('t/p', 'kitboard'))?.version).toBe('1.0.0'); // cached, stale
    const changed = await here.refreshAll();
    expect(changed.sort((x, y) => (x.partition < y.partition ? -1 : 1))).toEqual([
      { partition: 't/p', type: 'kitboard' },
      { partition: 't/q', type: 'board' },
    ]);
    expect((await here.get('t/p', 'kitboard'))?.version).toBe('2.0.0');
    expect((await here.get('t/q', 'board'))?.version).toBe('9.0.0');
    expect(await here.refreshAll()).toEqual([]);
    expect(await new CanvasTypeRegistry(spine).refreshAll()).toEqual([]); // nothing cached: no read needed
  });
});
