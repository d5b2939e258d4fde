import type { CanvasScope } from '@easel/schemas';

/** What the bench injects into the page (`window.__EASEL_BENCH__`) before its script runs. */
export interface BenchPageConfig {
  /**
   * `easel`: the doc canvas through EaselProvider + CanvasHost (transport, SSE, CANVAS_READY snapshot).
   * `json`: the same component fed from one plain `GET /v1/canvases/{id}` (the baseline).
   * `collab`: the board canvas through the harness, with `window.__bench` hooks for edit → paint.
   */
  mode: 'easel' | 'json' | 'collab';
  baseUrl: string;
  token: string;
  scope: CanvasScope;
  /** Blocks the page waits for before it counts itself interactive (easel, json). */
  expectBlocks: number;
}

/** What the page leaves in `window.__benchResult` once interactive (easel, json). */
export interface BenchPageResult {
  mode: 'easel' | 'json';
  /** Script start → blocks in the DOM, painted, main thread free, ms. */
  toInteractiveMs: number;
  /** Script start → data in hand (CANVAS_READY applied / JSON parsed), ms. */
  toDataMs: number;
  blocks: number;
  /** Diagnostic (easel): calls of the cartridge's `project` until interactive. */
  projections?: number;
  /** Diagnostic (easel): distinct `state.blocks` JSON values the harness built until interactive. */
  blockJsons?: number;
  error?: string;
}
