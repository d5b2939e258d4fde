import { createHash } from 'node:crypto';
import { globMatchAny } from '@easel/schemas';
import type { EffectivePermissions } from './effectivePermissions.ts';
import type { LensView } from './LensView.ts';

/** Most memoized answers per view and kind (names are bounded by manifests, but be safe). */
const MEMO_LIMIT = 4096;

function memoized(globs: readonly string[]): (name: string) => boolean {
  if (globs.length === 0) return () => false;
  if (globs.length === 1 && globs[0] === '*') return () => true;
  const memo = new Map<string, boolean>();
  return (name) => {
    let hit = memo.get(name);
    if (hit === undefined) {
      hit = globMatchAny(globs, name);
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(name, hit);
    }
    return hit;
  };
}

/** Stable key of a permission set: equal permissions give equal keys. */
export function permissionsKey(p: EffectivePermissions): string {
  const canonical = JSON.stringify([
    p.tokens.read,
    p.tokens.write,
    p.state.read,
    p.state.write,
    p.sidecars.see,
    p.sidecars.resolve,
    p.commands,
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
}

/** A {@link LensView} over normalized effective permissions. */
export function buildLensView(p: EffectivePermissions): LensView {
  const readToken = memoized(p.tokens.read);
  const writeToken = memoized(p.tokens.write);
  const readRoot = memoized(p.state.read);
  const writeRoot = memoized(p.state.write);
  const runCommand = memoized(p.commands);
  return Object.freeze({
    key: permissionsKey(p),
    canReadToken: readToken,
    readsAllTokens: p.tokens.read.includes('*'),
    canWriteToken: writeToken,
    canReadRoot: readRoot,
    canWriteRoot: writeRoot,
    canRunCommand: runCommand,
    sidecars: Object.freeze({ see: p.sidecars.see, resolve: p.sidecars.resolve }),
  });
}
