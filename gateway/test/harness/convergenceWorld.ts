import type { CanvasTypeManifest, LensPolicy } from '@easel/schemas';
import * as Y from 'yjs';

/** The canvas type of the convergence test: four roots of three kinds, four tokens. */
export const CONV_MANIFEST: CanvasTypeManifest = {
  type: 'convboard',
  version: '1.0.0',
  title: 'Convergence board',
  roots: { notes: 'map', items: 'array', body: 'text', meta: 'map' },
  tokens: {
    'a.title': { type: 'string', max_length: 200, default: '' },
    'b.count': { type: 'number', min: 0, max: 1_000_000, default: 0 },
    'secret.code': { type: 'string', max_length: 200, default: '' },
    'shared.color': { type: 'color', default: '#000000' },
  },
  tools: [],
};

export const ROOTS = ['notes', 'items', 'body', 'meta'] as const;
export const TOKENS = ['a.title', 'b.count', 'secret.code', 'shared.color'] as const;
export type RootName = (typeof ROOTS)[number];
export type TokenName = (typeof TOKENS)[number];
export type ActorName = 'alpha' | 'beta' | 'viewer' | 'admin';
/** Policy phase: 1 before the mid-run lens change, 2 after. */
export type Phase = 1 | 2;

interface Grants {
  readRoots: readonly RootName[];
  writeRoots: readonly RootName[];
  readTokens: readonly TokenName[];
  writeTokens: readonly TokenName[];
}

const ALL_ROOTS = [...ROOTS];
const ALL_TOKENS = [...TOKENS];

/** What each actor may do in each phase (the same facts as {@link lensPolicy}, as lists). */
export function grants(actor: ActorName, phase: Phase): Grants {
  switch (actor) {
    case 'admin':
      return { readRoots: ALL_ROOTS, writeRoots: ALL_ROOTS, readTokens: ALL_TOKENS, writeTokens: ALL_TOKENS };
    case 'alpha':
      return { readRoots: ALL_ROOTS, writeRoots: ['notes', 'items'], readTokens: ALL_TOKENS, writeTokens: ['a.title'] };
    case 'beta':
      return phase === 1
        ? { readRoots: ALL_ROOTS, writeRoots: ['items'], readTokens: ALL_TOKENS, writeTokens: ['b.count'] }
        : {
            readRoots: ALL_ROOTS,
            writeRoots: ['items', 'notes'],
            readTokens: ALL_TOKENS,
            writeTokens: ['b.count', 'shared.color'],
          };
    case 'viewer':
      return phase === 1
        ? {
            readRoots: ['notes', 'items', 'meta'],
            writeRoots: [],
            readTokens: ['a.title', 'b.count', 'shared.color'],
            writeTokens: [],
          }
        : {
            readRoots: ['notes', 'items', 'body'],
            writeRoots: [],
            readTokens: ['b.count', 'shared.color', 'secret.code'],
            writeTokens: [],
          };
  }
}

/** The project's lens policy in `phase` (contract §6); `admin` keeps every right regardless. */
export function lensPolicy(phase: Phase): LensPolicy {
  const role = (actor: ActorName) => {
    const g = grants(actor, phase);
    const globs = (names: readonly string[]) => (names.length === ALL_TOKENS.length ? ['*'] : [...names]);
    return {
      tokens: { read: globs(g.readTokens), write: [...g.writeTokens] },
      state: { read: g.readRoots.length === ALL_ROOTS.length ? ['*'] : [...g.readRoots], write: [...g.writeRoots] },
      sidecars: { see: false, resolve: false },
      commands: actor === 'viewer' ? ['token.*', 'state.*'] : ['token.*', 'state.*', 'canvas.commit'],
    };
  };
  return { roles: { alpha: role('alpha'), beta: role('beta'), viewer: role('viewer') }, default_role: 'viewer' };
}

/** Every string written into a root carries `#`; a forbidden one also `FORBID`. */
export const FORBIDDEN_MARK = 'FORBID';
/** The value a forbidden `b.count` write uses (allowed ones stay below 1000). */
export const FORBIDDEN_COUNT = 777_777;

/**
 * A suffix of every string written into the roots a viewer may not read in some phase, so that
 * their content can be looked for in the bytes of the Yjs updates it receives.
 */
export const ROOT_MARKS: Readonly<Record<RootName, string>> = { notes: '', items: '', body: '~BODY~', meta: '^META^' };

const pick = <T>(rnd: () => number, items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;

/**
 * One random local Yjs edit of `root` in one transaction: maps (strings, nested maps with arrays
 * and texts), arrays (inserts, deletes, nested edits), text (inserts, deletes). With `insertOnly`
 * it always adds `label` somewhere (a forbidden edit must leave a visible trace if not reverted).
 */
export function randomLocalEdit(doc: Y.Doc, root: RootName, rnd: () => number, mark: string, insertOnly: boolean) {
  const label = mark + ROOT_MARKS[root];
  const choice = insertOnly ? 0 : Math.floor(rnd() * 4);
  doc.transact(() => {
    if (root === 'notes' || root === 'meta') {
      const map = doc.getMap<unknown>(root);
      const key = `${root[0]}${Math.floor(rnd() * 5)}`;
      const current = map.get(key);
      if (choice === 0) map.set(key, label);
      else if (choice === 1) {
        const block = new Y.Map<unknown>();
        block.set('by', label);
        block.set('tags', Y.Array.from([label]));
        const text = new Y.Text();
        text.insert(0, label);
        block.set('text', text);
        map.set(key, block);
      } else if (choice === 2 && current instanceof Y.Map) {
        current.set('field', label);
        const tags = current.get('tags');
        if (tags instanceof Y.Array) tags.insert(Math.floor(rnd() * (tags.length + 1)), [label]);
        const text = current.get('text');
        if (text instanceof Y.Text) text.insert(Math.floor(rnd() * (text.length + 1)), label);
      } else map.delete(key);
    } else if (root === 'items') {
      const items = doc.getArray<unknown>('items');
      const at = Math.floor(rnd() * (items.length + 1));
      if (choice === 0) items.insert(at, [label]);
      else if (choice === 1) {
        const block = new Y.Map<unknown>();
        block.set('by', label);
        items.insert(at, [block]);
      } else if (choice === 2 && items.length > 0) {
        const target = items.get(Math.floor(rnd() * items.length));
        if (target instanceof Y.Map) target.set('seen', label);
        else items.delete(Math.floor(rnd() * items.length), 1);
      } else if (items.length > 0) items.delete(Math.floor(rnd() * items.length), 1);
      else items.insert(0, [label]);
    } else {
      const body = doc.getText('body');
      if (choice < 2 || body.length === 0) body.insert(Math.floor(rnd() * (body.length + 1)), label);
      else {
        const at = Math.floor(rnd() * body.length);
        body.delete(at, Math.min(1 + Math.floor(rnd() * 4), body.length - at));
      }
    }
  });
}

/** A `state.ops` list of one op on `root` that adds `label` (unique keys: map inserts never collide). */
export function randomOps(root: RootName, rnd: () => number, mark: string, unique: string) {
  const label = mark + ROOT_MARKS[root];
  if (root === 'items') return [{ op: 'insert' as const, root, value: { by: label, n: Math.floor(rnd() * 100) } }];
  if (root === 'body') return [{ op: 'insert' as const, root, index: 0, value: label }];
  return [{ op: 'insert' as const, root, key: `o${unique}`, value: { by: label, list: [label] } }];
}

/** A value for `token` (allowed writes), or the forbidden marker value. */
export function tokenValue(token: TokenName, rnd: () => number, label: string, forbidden: boolean) {
  if (token === 'b.count') return forbidden ? FORBIDDEN_COUNT : Math.floor(rnd() * 1000);
  if (token === 'shared.color') {
    const hex = Math.floor(rnd() * 0xffffff)
      .toString(16)
      .padStart(6, '0');
    return `#${hex}`;
  }
  return label;
}

export { pick };
