import type { JsonValue } from '@easel/schemas';
import { isDeepStrictEqual } from 'node:util';
import * as Y from 'yjs';
import type { CanvasDoc } from './CanvasDoc.ts';
import { ensureRoot, ensureRoots } from './yRoots.ts';
import { yJson } from './yJson.ts';

/** What restoring an earlier revision changes. */
export interface RevertPlan {
  /** Roots whose content differs from the target's (sorted). */
  readonly roots: readonly string[];
  /** Tokens to set back (value) or reset to their default (undefined). */
  readonly tokens: ReadonlyArray<{ tokenId: string; value: JsonValue | undefined }>;
  /** Rewrites the changed roots of the live doc into the target's content (inside a transaction). */
  readonly apply: () => void;
}

function copyOf(v: unknown): unknown {
  return v instanceof Y.AbstractType ? (v as Y.AbstractType<unknown>).clone() : v;
}

function jsonOf(v: unknown): unknown {
  return v instanceof Y.AbstractType ? yJson(v as Y.AbstractType<unknown>) : v;
}

/**
 * Plans turning the canvas's current content into that of an earlier state (`state`: a Yjs
 * state update, or null for the empty revision 0; `tokens`: explicitly set tokens then).
 * The rewrite keeps unchanged map keys and the common prefix/suffix of arrays and text, and
 * re-creates what differs (nested types are copied; text formatting in rewritten spans is
 * not kept).
 */
export function planRevert(
  canvas: CanvasDoc,
  state: Uint8Array | null,
  tokens: Readonly<Record<string, JsonValue>>,
): RevertPlan {
  const old = new Y.Doc();
  ensureRoots(old, canvas.manifest.roots);
  if (state !== null) Y.applyUpdate(old, state);

  const roots: string[] = [];
  const steps: Array<() => void> = [];
  for (const [name, kind] of Object.entries(canvas.manifest.roots)) {
    const from = ensureRoot(canvas.doc, name, kind);
    const to = ensureRoot(old, name, kind);
    if (isDeepStrictEqual(yJson(from), yJson(to))) continue;
    roots.push(name);
    if (kind === 'map') {
      const live = from as Y.Map<unknown>;
      const target = to as Y.Map<unknown>;
      steps.push(() => {
        for (const key of [...live.keys()]) if (!target.has(key)) live.delete(key);
        for (const [key, value] of target.entries()) {
          if (!live.has(key) || !isDeepStrictEqual(jsonOf(live.get(key)), jsonOf(value))) live.set(key, copyOf(value));
        }
      });
    } else if (kind === 'array' || kind === 'xml') {
      const live = from as Y.Array<unknown> | Y.XmlFragment;
      const target = to as Y.Array<unknown> | Y.XmlFragment;
      steps.push(() => {
        const a = live.toArray() as unknown[];
        const b = target.toArray() as unknown[];
        const same = (x: unknown, y: unknown) =>
          kind === 'xml' ? String(x) === String(y) : isDeepStrictEqual(jsonOf(x), jsonOf(y));
        let start = 0;
        while (start < a.length && start < b.length && same(a[start], b[start])) start++;
        let end = 0;
        while (end < a.length - start && end < b.length - start && same(a[a.length - 1 - end], b[b.length - 1 - end]))
          end++;
        const removeCount = a.length - start - end;
        if (removeCount > 0) live.delete(start, removeCount);
        const inserted = b.slice(start, b.length - end).map(copyOf);
        if (inserted.length > 0) (live as Y.Array<unknown>).insert(start, inserted as never[]);
      });
    } else {
      const live = from as Y.Text;
      const target = (to as Y.Text).toString();
      steps.push(() => {
        const a = live.toString();
        let start = 0;
        while (start < a.length && start < target.length && a[start] === target[start]) start++;
        let end = 0;
        while (
          end < a.length - start &&
          end < target.length - start &&
          a[a.length - 1 - end] === target[target.length - 1 - end]
        )
          end++;
        if (a.length - start - end > 0) live.delete(start, a.length - start - end);
        const middle = target.slice(start, target.length - end);
        if (middle.length > 0) live.insert(start, middle);
      });
    }
  }

  const tokenChanges: Array<{ tokenId: string; value: JsonValue | undefined }> = [];
  for (const tokenId of Object.keys(canvas.manifest.tokens)) {
    const wasSet = Object.hasOwn(tokens, tokenId);
    const isSet = canvas.tokens.has(tokenId);
    if (wasSet) {
      const value = tokens[tokenId] as JsonValue;
      if (!isSet || !isDeepStrictEqual(canvas.tokens.get(tokenId), value)) tokenChanges.push({ tokenId, value });
    } else if (isSet) {
      tokenChanges.push({ tokenId, value: undefined });
    }
  }

  return {
    roots: roots.sort(),
    tokens: tokenChanges,
    apply: () => {
      for (const step of steps) step();
    },
  };
}
