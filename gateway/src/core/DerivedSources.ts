import { z } from 'zod';
import type { LensView } from './lens/LensView.ts';

/**
 * The internal payload field of a derived event (a job's or run's telemetry and outcomes, whose
 * data a plugin or model computed from canvas content): what that data was computed from.
 * `projectEvent` reads it and strips it for every viewer; it never leaves the gateway.
 */
export const DERIVED_FROM = 'derived_from';

/** A list entry meaning "every name" (a list cut at its bound, or an unknown provenance). */
export const ALL = '*';

/** Most names kept per list; beyond, the list becomes `['*']` (only full readers may see). */
const MAX_NAMES = 128;
/** Largest stamp (bytes of JSON of its lists); beyond, tokens and then roots become `['*']`. */
const MAX_STAMP_CHARS = 4096;

/**
 * What a derived value was computed from: the canvas roots and tokens whose content went into
 * it (as the lens of whoever started the work saw them: a job's creator, a run's creator), and
 * whether media (image frames, sidecar content) did. A viewer may see the value only when it
 * reads every one of them (`mayReadSources`).
 */
export interface DerivedSources {
  /** Yjs root names; `['*']` = any root. */
  readonly roots: readonly string[];
  /** Token ids; `['*']` = any token. */
  readonly tokens: readonly string[];
  /** Media went into it: only viewers whose lens has `sidecars.see` may see it. */
  readonly sidecars: boolean;
}

/** Sources of data computed from nothing a lens guards (e.g. a gateway message). */
export const NO_SOURCES: DerivedSources = Object.freeze({ roots: [], tokens: [], sidecars: false });

/** The stored form of {@link DerivedSources} (job and run records). */
export const derivedSourcesSchema = z.object({
  roots: z.array(z.string().max(256)).max(MAX_NAMES).readonly(),
  tokens: z.array(z.string().max(256)).max(MAX_NAMES).readonly(),
  sidecars: z.boolean(),
});

/** The stamp in a payload, or null when absent or malformed (then the data counts as derived from anything). */
export function parseDerivedSources(value: unknown): DerivedSources | null {
  const parsed = derivedSourcesSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/**
 * May `view` see data derived from `sources`? Only when it reads every source root and token
 * (and sees sidecars when media went in). `null` (no or a malformed stamp: provenance unknown)
 * is treated as derived from everything: only a viewer reading all roots and tokens and seeing
 * sidecars may see it. Pure; never throws.
 */
export function mayReadSources(view: LensView, sources: DerivedSources | null): boolean {
  if (sources === null) return view.canReadRoot(ALL) && view.canReadToken(ALL) && view.sidecars.see;
  if (sources.sidecars && !view.sidecars.see) return false;
  for (const root of sources.roots) if (!view.canReadRoot(root)) return false;
  for (const token of sources.tokens) if (!view.canReadToken(token)) return false;
  return true;
}

/** A frame as jobs and runs hand it to plugins (contract §9): canvas frames name roots and tokens. */
export type SourceFrame =
  | { readonly kind: 'canvas'; readonly state: object; readonly tokens: object }
  | { readonly kind: 'image' };

/**
 * The sources a job or run has read so far (it only grows: what a run's model saw stays in its
 * context). `current` is an immutable stamp, rebuilt only after a change, bounded in size.
 */
export class DerivedSourceSet {
  private readonly roots = new Set<string>();
  private readonly tokens = new Set<string>();
  private sidecars = false;
  private stamp: DerivedSources = NO_SOURCES;
  private dirty = false;

  /** Adds what a frame carries: a canvas frame's roots and tokens, or media for an image frame. */
  addFrame(frame: SourceFrame): void {
    if (frame.kind === 'image') {
      this.addMedia();
      return;
    }
    this.add(this.roots, Object.keys(frame.state));
    this.add(this.tokens, Object.keys(frame.tokens));
  }

  /** Marks that media (an image, a sidecar) went in. */
  addMedia(): void {
    if (this.sidecars) return;
    this.sidecars = true;
    this.dirty = true;
  }

  /** The stamp for what was read so far. */
  get current(): DerivedSources {
    if (!this.dirty) return this.stamp;
    this.dirty = false;
    let roots: readonly string[] = bounded(this.roots);
    let tokens: readonly string[] = bounded(this.tokens);
    if (JSON.stringify(roots).length + JSON.stringify(tokens).length > MAX_STAMP_CHARS) tokens = [ALL];
    if (JSON.stringify(roots).length + JSON.stringify(tokens).length > MAX_STAMP_CHARS) roots = [ALL];
    this.stamp = Object.freeze({ roots, tokens, sidecars: this.sidecars });
    return this.stamp;
  }

  private add(set: Set<string>, names: readonly string[]): void {
    for (const name of names) {
      if (set.has(name) || set.has(ALL)) continue;
      if (set.size >= MAX_NAMES) {
        set.clear();
        set.add(ALL);
        this.dirty = true;
        return;
      }
      set.add(name);
      this.dirty = true;
    }
  }
}

function bounded(set: ReadonlySet<string>): readonly string[] {
  if (set.has(ALL)) return [ALL];
  const names = [...set].sort();
  return names.some((n) => n.length > 256) ? [ALL] : names;
}
