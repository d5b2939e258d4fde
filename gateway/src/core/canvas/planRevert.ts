import type { JsonValue } from '@easel/schemas';
import { isDeepStrictEqual } from 'node:util';
import * as Y from 'yjs';
import type { CanvasDoc } from './CanvasDoc.ts';
import { deleteDeepContent } from './deepContent.ts';
import type { DeepDeleteSink } from './stateNodes.ts';
import { ensureRoot, ensureRoots } from './yRoots.ts';
import { readValue, type ValueRead, yJson } from './yJson.ts';

/** A value a revert would have to write that is nested too deep to be written (see `readValue`). */
export interface OverDeepValue {
  readonly root: string;
  /** Its map key (map roots) or its index in the target revision's root (array and xml roots). */
  readonly key?: string;
  readonly index?: number;
}

/** What restoring an earlier revision changes. */
export interface RevertPlan {
  /** Roots whose content differs from the target's (sorted). */
  readonly roots: readonly string[];
  /** Tokens to set back (value) or reset to their default (undefined). */
  readonly tokens: ReadonlyArray<{ tokenId: string; value: JsonValue | undefined }>;
  /**
   * The first value of the target that differs from the live one and holds content nested deeper
   * than reads show (only canvases written before raw updates were capped hold it): restoring it
   * would copy it, which Yjs does recursively (overflowing the stack) and the depth cap forbids.
   * When set, the revert must be refused and {@link apply} must not run. Null: none.
   */
  readonly overDeep: OverDeepValue | null;
  /**
   * Rewrites the changed roots of the live doc into the target's content (inside a transaction).
   * Live values nested deeper than Yjs's recursion allows are emptied bottom up before they are
   * deleted or overwritten; returns their items, children first, for `deletesInOrder`.
   */
  readonly apply: () => Y.Item[];
}

type AnyType = Y.AbstractType<unknown>;

function copyOf(v: unknown): unknown {
  return v instanceof Y.AbstractType ? (v as AnyType).clone() : v;
}

/**
 * Plans turning the canvas's current content into that of an earlier state (`state`: a Yjs
 * state update, or null for the empty revision 0; `tokens`: explicitly set tokens then).
 * The rewrite keeps unchanged map keys and the common prefix/suffix of arrays and text, and
 * re-creates what differs (nested types are copied; text formatting in rewritten spans is
 * not kept). Values are compared as reads show them (content past `MAX_READ_DEPTH` levels as the
 * marker), so over-deep content that reads the same on both sides is kept as it is. Everything is
 * decided here, before anything is written: `apply` only carries the plan out.
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
  const steps: Array<(sink: DeepDeleteSink) => void> = [];
  let overDeep: OverDeepValue | null = null;
  for (const [name, kind] of Object.entries(canvas.manifest.roots)) {
    const from = ensureRoot(canvas.doc, name, kind);
    const to = ensureRoot(old, name, kind);
    if (isDeepStrictEqual(yJson(from), yJson(to))) continue;
    roots.push(name);
    if (kind === 'map') {
      const live = from as Y.Map<unknown>;
      const target = to as Y.Map<unknown>;
      const removed = [...live.keys()].filter((key) => !target.has(key));
      const written: Array<[string, unknown]> = [];
      for (const [key, value] of target.entries()) {
        const wanted = readValue(value, 1);
        if (live.has(key) && isDeepStrictEqual(readValue(live.get(key), 1).json, wanted.json)) continue;
        if (wanted.overDeep) overDeep ??= { root: name, key };
        written.push([key, value]);
      }
      steps.push((sink) => {
        for (const key of removed) {
          emptyIfDeep(live.get(key), sink);
          live.delete(key);
        }
        for (const [key, value] of written) {
          emptyIfDeep(live.get(key), sink);
          live.set(key, copyOf(value));
        }
      });
    } else if (kind === 'array' || kind === 'xml') {
      const live = from as Y.Array<unknown> | Y.XmlFragment;
      const target = to as Y.Array<unknown> | Y.XmlFragment;
      // Xml reads as strings, so this compares xml as `String(node)` did (and does not overflow).
      const a = (live.toArray() as unknown[]).map((v) => readValue(v, 1).json);
      const b = (target.toArray() as unknown[]).map((v) => readValue(v, 1));
      const same = (x: unknown, y: ValueRead) => isDeepStrictEqual(x, y.json);
      let start = 0;
      while (start < a.length && start < b.length && same(a[start], b[start]!)) start++;
      let end = 0;
      while (end < a.length - start && end < b.length - start && same(a[a.length - 1 - end], b[b.length - 1 - end]!))
        end++;
      const removeCount = a.length - start - end;
      for (let i = start; i < b.length - end; i++) if (b[i]!.overDeep) overDeep ??= { root: name, index: i };
      steps.push((sink) => {
        for (let i = start; i < start + removeCount; i++) emptyIfDeep(live.get(i), sink);
        if (removeCount > 0) live.delete(start, removeCount);
        const inserted = (target.toArray() as unknown[]).slice(start, b.length - end).map(copyOf);
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
    overDeep,
    apply: () => {
      const sink: DeepDeleteSink = [];
      for (const step of steps) step(sink);
      return sink;
    },
  };
}

/** Before a live value is deleted or overwritten: empties it bottom up when it is deep. */
function emptyIfDeep(value: unknown, sink: DeepDeleteSink): void {
  const items = deleteDeepContent(value);
  if (items !== null) for (const item of items) sink.push(item);
}
