import type { Spread } from '../lib/stats.ts';
import type { BundleSize } from './measureBundles.ts';

/** Targets of issue 7 / BENCHMARKS.md for the browser bench. */
export const BROWSER_TARGETS = {
  /** 10k-block canvas, snapshot → interactive, ms. */
  snapshotToInteractiveMs: 150,
  /** `@easel/transport` without yjs, gzip, KB (1000 bytes). */
  transportGzipKb: 20,
} as const;

/** Knobs of the browser bench. */
export interface BrowserConfig {
  /** Blocks in the big doc canvas. */
  blocks: number;
  /** Unrecorded loads per mode first. */
  warmupLoads: number;
  /** Interleaved rounds; each loads the page once per mode (order alternates). */
  rounds: number;
  /** Notes on the board of the edit → paint measurement. */
  boardNotes: number;
  /** Unrecorded edits first. */
  warmupEdits: number;
  /** Measured edits (one at a time). */
  edits: number;
  /** Longest wait for one edit to paint in the other tab, ms. */
  editDeadlineMs: number;
}

export const BROWSER_QUICK: BrowserConfig = {
  blocks: 10_000,
  warmupLoads: 1,
  rounds: 3,
  boardNotes: 30,
  warmupEdits: 5,
  edits: 40,
  editDeadlineMs: 5000,
};

export const BROWSER_FULL: BrowserConfig = {
  blocks: 10_000,
  warmupLoads: 2,
  rounds: 7,
  boardNotes: 30,
  warmupEdits: 10,
  edits: 200,
  editDeadlineMs: 5000,
};

/** One page load of the 10k-block canvas. */
export interface SnapshotSample {
  round: number;
  /** `easel-eager`: Easel with `paintFirst: false` (the Yjs snapshot decoded before the first paint). */
  mode: 'easel' | 'easel-eager' | 'json';
  /** Script start → the blocks are in the DOM, painted, and the main thread is free, ms. */
  toInteractiveMs: number;
  /** Script start → the data is in hand (CANVAS_READY applied / JSON parsed), ms. */
  toDataMs: number;
  /**
   * Easel only: script start → editable: interactive, and the `Y.Doc` holds the snapshot (paint
   * first decodes it after the first paint) and the main thread is free again, ms.
   */
  toEditableMs?: number;
  /** Easel only: the first paint came from the snapshot's JSON before the doc held it (paint first). */
  paintedFromJson?: boolean;
  /** Diagnostic: script start → the doc held the snapshot (`onHydrated`), ms. */
  hydratedMs?: number;
  /** Diagnostic: distinct `blocks` JSON values the harness built until editable (1: nothing re-projected). */
  blockJsonsAtEditable?: number;
  /** 1-minute load average of the machine when the sample was taken (other work skews figures). */
  load1: number;
}

/** p50 / p99 / max of a latency set, ms. */
export interface LatencyStats {
  p50: number;
  p99: number;
  max: number;
  n: number;
}

/** Everything `pnpm bench browser` measured. */
export interface BrowserResult {
  config: BrowserConfig;
  chromium: string;
  snapshot: {
    samples: SnapshotSample[];
    easel: Spread | null;
    json: Spread | null;
    easelData: Spread | null;
    jsonData: Spread | null;
    /** Easel: snapshot → editable (Y.Doc hydrated), see `SnapshotSample.toEditableMs`. */
    easelEditable?: Spread | null;
    /** Easel without paint first (`easel-eager`): to interactive (= editable), same run. */
    easelEager?: Spread | null;
    /**
     * Data in hand → interactive, per sample (`toInteractiveMs − toDataMs`): the client's own part,
     * without the request and the transfer. Easel (paint first) and the plain JSON page.
     */
    easelFromData?: Spread | null;
    jsonFromData?: Spread | null;
    /** 1-minute load average over the samples: min and max. */
    load1?: { min: number; max: number } | null;
  };
  editToPaint: {
    /** Edit sent in tab A → painted in tab B. */
    total: LatencyStats | null;
    /** Edit sent in tab A → `state_patch` parsed in tab B (the rest is render + paint). */
    toEvent: LatencyStats | null;
    /** Edits that never painted within the deadline. */
    lost: number;
  };
  bundles: {
    /** `@easel/transport` with yjs external (the target's figure). */
    transport: BundleSize | null;
    /** Diagnostic: the same with zod external too (what the schemas' validators cost). */
    transportWithoutZod: BundleSize | null;
    /** The host app's first load at `/?actor=director&flow=demo`: every file the browser fetched from `host/dist`. */
    hostFirstLoad: { files: string[]; bytes: number; gzip: number } | null;
  };
  failures: string[];
}
