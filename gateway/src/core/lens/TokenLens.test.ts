import { CONTRACT_EXAMPLE_LENS_POLICY as SECTION_6 } from '@easel/schemas';
import { describe, expect, it } from 'vitest';
import { MemorySpine } from '../testing/MemorySpine.ts';
import { effectivePermissions } from './effectivePermissions.ts';
import { buildLensView } from './buildLensView.ts';
import { TokenLens } from './TokenLens.ts';

describe('TokenLens', () => {
  it('[CONTRACT 6] without a policy: admin and editor rw, viewer reads only, others nothing', async () => {
    const lens = new TokenLens(new MemorySpine());
    const editor = await lens.view('t/p', ['editor']);
    expect(editor.canWriteToken('x.y') && editor.canWriteRoot('notes') && editor.canRunCommand('state.ops')).toBe(true);
    const viewer = await lens.view('t/p', ['viewer']);
    expect(viewer.canReadToken('plan.title') && viewer.canReadRoot('notes')).toBe(true);
    expect(
      viewer.canWriteToken('plan.title') || viewer.canWriteRoot('notes') || viewer.canRunCommand('token.set'),
    ).toBe(false);
    const other = await lens.view('t/p', ['stranger']);
    expect(other.canReadToken('plan.title') || other.canReadRoot('notes') || other.sidecars.see).toBe(false);
    const none = await lens.view('t/p', []);
    expect(none.canReadRoot('notes')).toBe(false);
  });

  it('[CONTRACT 6] the section 6 policy: globs, union over roles, default_role', async () => {
    const spine = new MemorySpine();
    const lens = new TokenLens(spine);
    const put = await lens.put('t/p', SECTION_6);
    expect(put.ok).toBe(true);
    const planner = await lens.view('t/p', ['planner']);
    expect(planner.canReadToken('plan.title')).toBe(true);
    expect(planner.canReadToken('style.color')).toBe(false);
    expect(planner.canWriteRoot('notes')).toBe(true);
    expect(planner.canWriteRoot('layout')).toBe(false);
    expect(planner.canRunCommand('token.set')).toBe(true);
    expect(planner.canRunCommand('canvas.create')).toBe(false);
    expect(planner.sidecars).toEqual({ see: false, resolve: false });
    const both = await lens.view('t/p', ['planner', 'director']);
    expect(both.canReadToken('style.color')).toBe(true);
    expect(both.key).toBe((await lens.view('t/p', ['director'])).key);
    // No listed role: default_role viewer (built-in) reads everything.
    const nobody = await lens.view('t/p', ['guest']);
    expect(nobody.canReadToken('style.color') && !nobody.canWriteToken('style.color')).toBe(true);
    // An editor is not listed in the custom policy: it falls to the default role too.
    expect((await lens.view('t/p', ['editor'])).canWriteToken('plan.title')).toBe(false);
    // admin keeps every right although the policy does not mention it.
    const admin = await lens.view('t/p', ['admin']);
    expect(admin.canWriteRoot('layout') && admin.canRunCommand('canvas.create') && admin.sidecars.resolve).toBe(true);
  });

  it('[CONTRACT 6] the policy persists (restart) and listeners fire after a put', async () => {
    const spine = new MemorySpine();
    const lens = new TokenLens(spine);
    const before = await lens.view('t/p', ['planner']);
    expect(before.canReadRoot('notes')).toBe(false);
    const seen: string[] = [];
    const off = lens.onChanged((p) => seen.push(p));
    await lens.put('t/p', SECTION_6);
    expect(seen).toEqual(['t/p']);
    const after = await lens.view('t/p', ['planner']);
    expect(after.canReadRoot('notes')).toBe(true);
    expect(after.key).not.toBe(before.key);
    off();
    await lens.put('t/p', SECTION_6);
    expect(seen).toEqual(['t/p']);
    const reopened = new TokenLens(spine);
    expect((await reopened.view('t/p', ['planner'])).canWriteRoot('notes')).toBe(true);
    expect(await reopened.storedPolicy('t/q')).toBeNull();
  });

  it('rejects an invalid policy with a message naming the field', async () => {
    const lens = new TokenLens(new MemorySpine());
    const r = await lens.put('t/p', { roles: { x: { commands: ['bad glob!'] } } });
    expect(!r.ok && r.error.code).toBe('validation_failed');
    expect(!r.ok && r.error.message).toContain('roles.x.commands[0]');
  });

  it('[CONTRACT 6] a default_role that is neither listed nor built in is refused, nothing stored', async () => {
    const spine = new MemorySpine();
    const lens = new TokenLens(spine);
    const everything = { tokens: { read: ['*'], write: [] }, state: { read: ['*'], write: [] }, commands: [] };
    const r = await lens.put('t/p', { roles: { reader: everything }, default_role: 'raeder' });
    expect(!r.ok && r.error.code).toBe('validation_failed');
    expect(!r.ok && r.error.message).toBe(
      "default_role: 'raeder' is neither a role of this policy nor a built-in role (admin, editor, viewer); list it under roles or name one of those",
    );
    expect(await lens.storedPolicy('t/p')).toBeNull();
    // Listed, or built in: accepted.
    expect((await lens.put('t/p', { roles: { reader: everything }, default_role: 'reader' })).ok).toBe(true);
    expect((await lens.put('t/p', { roles: { reader: everything }, default_role: 'viewer' })).ok).toBe(true);
  });

  it('keys are equal exactly for equal permission sets', () => {
    const a = buildLensView(effectivePermissions(null, ['editor']));
    const b = buildLensView(effectivePermissions(null, ['admin', 'editor']));
    const c = buildLensView(effectivePermissions(null, ['viewer']));
    expect(a.key).toBe(b.key);
    expect(a.key).not.toBe(c.key);
  });

  it('[CONTRACT 6] a view loaded while a re-check ran is still cached: the next change notifies its listeners', async () => {
    const spine = new MemorySpine();
    const writer = new TokenLens(spine); // another node
    expect((await writer.put('t/p', SECTION_6)).ok).toBe(true);
    const lens = new TokenLens(spine);
    // Hold this node's first read of the record until a re-check (which bumps the generation) ran.
    const getRecord = spine.getRecord.bind(spine);
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reads = 0;
    spine.getRecord = async (kind, key) => {
      reads += 1;
      const text = await getRecord(kind, key);
      if (reads === 1) await held;
      return text;
    };
    const viewing = lens.view('t/p', ['planner']);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await lens.refreshAll();
    release();
    expect((await viewing).canReadRoot('notes')).toBe(true);
    // The other node changes the policy and its broadcast is lost: the next re-check must find the
    // cached view and tell the listeners (an open stream filtering with it).
    const seen: string[] = [];
    lens.onChanged((p) => seen.push(p));
    expect((await writer.put('t/p', { roles: { planner: { tokens: { read: [], write: [] } } } })).ok).toBe(true);
    await lens.refreshAll();
    expect(seen).toEqual(['t/p']);
    expect((await lens.view('t/p', ['planner'])).canReadRoot('notes')).toBe(false);
  });
});
