import type { CanvasScope } from '@easel/schemas';

/** What the bench injects into the page (`window.__EASEL_BENCH__`) before its script runs. */
export interface BenchPageConfig {
  /**
   * `easel`: the doc canvas through EaselProvider + CanvasHost (transport, SSE, CANVAS_READY snapshot;
   * paint first, the transport's browser default: painted from the snapshot's JSON, Yjs decoded after).
   * `easel-eager`: the same with `paintFirst: false` (the Yjs snapshot decoded before the first paint).
   * `json`: the same component fed from one plain `GET /v1/canvases/{id}` (the baseline).
   * `collab`: the board canvas through the harness, with `window.__bench` hooks for edit → paint.
   */
  mode: 'easel' | 'easel-eager' | 'json' | 'collab';
  baseUrl: string;
  token: string;
  scope: CanvasScope;
  /** Blocks the page waits for before it counts itself interactive (easel, json). */
  expectBlocks: number;
}

/** What the page leaves in `window.__benchResult` once interactive (easel, json). */
export interface BenchPageResult {
  mode: 'easel' | 'easel-eager' | 'json';
  /** Script start → blocks in the DOM, painted, main thread free, ms. */
  toInteractiveMs: number;
  /** Script start → data in hand (CANVAS_READY applied / JSON parsed), ms. */
  toDataMs: number;
  /**
   * Easel: script start → editable: interactive (above) and the transport's `Y.Doc` holds the
   * snapshot (decoded after the first paint, `onHydrated`) and the main thread is free again, ms.
   * A local edit made from here on is applied at once (none waits for the decoding).
   */
  toEditableMs?: number;
  /** Easel: whether the first paint came from the snapshot's JSON (paint first) before the doc held it. */
  paintedFromJson?: boolean;
  /** Diagnostic (easel): script start → `onHydrated` fired (the decoding just ended), ms. */
  hydratedMs?: number;
  /** Diagnostic (easel): distinct `state.blocks` JSON values until editable (1: the switch to the doc re-projected nothing). */
  blockJsonsAtEditable?: number;
  blocks: number;
  /** Diagnostic (easel): calls of the cartridge's `project` until interactive. */
  projections?: number;
  /** Diagnostic (easel): distinct `state.blocks` JSON values the harness built until interactive. */
  blockJsons?: number;
  error?: string;
}
