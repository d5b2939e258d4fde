/**
 * The page `pnpm bench browser` loads in Chromium (bundled by esbuild, served on the gateway's origin).
 * Runs the real harness and the real `doc` / `board` canvases; see BenchPageConfig for the modes.
 */
import { boardCanvas, docCanvas } from '@easel/canvases';
import { CanvasHost, type CommandEmitter, EaselProvider, useCommandEmitter } from '@easel/harness';
import type { JsonValue } from '@easel/schemas';
import { CanvasTransport } from '@easel/transport';
import { type ReactNode, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import type { BenchPageConfig, BenchPageResult } from './BenchPageConfig.ts';

const scriptStart = performance.now();
const config = (window as unknown as { __EASEL_BENCH__: BenchPageConfig }).__EASEL_BENCH__;
const w = window as unknown as Record<string, unknown>;
const rootEl = document.getElementById('root')!;

/** Resolves after the next frame is painted and the main thread has yielded once. */
function afterPaint(): Promise<void> {
  return new Promise((resolve) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(null);
    }),
  );
}

/**
 * Waits (one check per frame) until the doc shows all `count` blocks: its projection holds them
 * (`data-block-count`) and the first rows are in the DOM (the list is windowed, so only the visible
 * rows are elements). Resolves with the block count the doc reports.
 */
function blocksInDom(count: number, deadlineMs: number): Promise<number> {
  const live = document.getElementsByClassName('easel-doc-block');
  const shown = () => Number(document.querySelector('[data-block-count]')?.getAttribute('data-block-count') ?? 0);
  return new Promise((resolve, reject) => {
    const tick = () => {
      const n = shown();
      if (n >= count && live.length > 0) resolve(n);
      else if (performance.now() > deadlineMs) reject(new Error(`only ${n} of ${count} blocks rendered`));
      else requestAnimationFrame(tick);
    };
    tick();
  });
}

/** Resolves once the transport's doc holds the snapshot (without reading `doc`, which would decode it). */
function hydrated(transport: CanvasTransport): Promise<void> {
  return new Promise((resolve) => {
    if (transport.stateJson === null) resolve();
    else {
      const off = transport.onHydrated(() => {
        off();
        resolve();
      });
    }
  });
}

/** Resolves after the main thread yielded once (a posted task ran). */
function afterTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

async function measure(
  mode: BenchPageResult['mode'],
  dataAt: () => number,
  transport?: CanvasTransport,
): Promise<void> {
  const result: BenchPageResult = { mode, toInteractiveMs: -1, toDataMs: -1, blocks: 0 };
  try {
    result.blocks = await blocksInDom(config.expectBlocks, scriptStart + 180_000);
    await afterPaint();
    result.toInteractiveMs = performance.now() - scriptStart;
    result.toDataMs = dataAt() - scriptStart;
    result.projections = projections.calls;
    result.blockJsons = projections.blockJsons.size;
    if (transport) {
      // Interactive came first; editable = the Y.Doc holds the snapshot too, and the thread is free.
      result.paintedFromJson = transport.stateJson !== null;
      await hydrated(transport);
      result.hydratedMs = performance.now() - scriptStart;
      await afterTask();
      result.toEditableMs = performance.now() - scriptStart;
      result.blockJsonsAtEditable = projections.blockJsons.size;
    }
  } catch (error) {
    result.error = String(error);
  }
  w.__benchResult = result;
}

const NOOP_EMIT: CommandEmitter = {
  ops: async () => ({ ok: false, code: 'read_only', message: 'bench baseline' }),
  setToken: async () => ({ ok: false, code: 'read_only', message: 'bench baseline' }),
  commit: async () => ({ ok: false, code: 'read_only', message: 'bench baseline' }),
  edit: () => {},
  tool: async () => ({ ok: false, code: 'read_only', message: 'bench baseline' }),
};

/** Exposes the emitter for the edit → paint measurement. */
function EmitterHook(): ReactNode {
  const emit = useCommandEmitter();
  useEffect(() => {
    w.__benchEmit = emit;
  }, [emit]);
  return null;
}

/** Diagnostics: how often the harness projected the doc, and how many distinct `blocks` JSONs it built. */
const projections = { calls: 0, blockJsons: new Set<unknown>() };
const countedDocCanvas: typeof docCanvas = {
  ...docCanvas,
  project: (state, tokens) => {
    projections.calls++;
    projections.blockJsons.add(state.blocks);
    return docCanvas.project(state, tokens);
  },
};

function startEasel(cartridgeMode: 'doc' | 'board', eager = false): CanvasTransport {
  const transport = new CanvasTransport({
    baseUrl: config.baseUrl,
    token: config.token,
    scope: config.scope,
    ...(eager ? { paintFirst: false } : {}),
  });
  let readyAt = 0;
  transport.onReady(() => {
    readyAt ||= performance.now();
  });
  // Open the stream before mounting, as the JSON page sends its fetch before rendering: the
  // request is in flight while React renders the shell (EaselProvider's own connect() is then a
  // no-op). Mounting first put the request ≈ 50–90 ms later, after the first commit's effects.
  transport.connect();
  createRoot(rootEl).render(
    <EaselProvider transport={transport} presence={false}>
      {cartridgeMode === 'doc' ? (
        <CanvasHost cartridge={countedDocCanvas} cursors={false} />
      ) : (
        <>
          <CanvasHost cartridge={boardCanvas} cursors={false} />
          <EmitterHook />
        </>
      )}
    </EaselProvider>,
  );
  if (cartridgeMode === 'doc') void measure(eager ? 'easel-eager' : 'easel', () => readyAt, transport);
  return transport;
}

async function startJson(): Promise<void> {
  const { canvas_id: canvasId, ...rest } = config.scope;
  const query = new URLSearchParams(rest as Record<string, string>);
  const res = await fetch(`${config.baseUrl}/v1/canvases/${canvasId}?${query}`, {
    headers: { authorization: `Bearer ${config.token}` },
  });
  const body = (await res.json()) as {
    revision: number;
    state: Record<string, JsonValue>;
    tokens: Record<string, JsonValue>;
  };
  const dataAt = performance.now();
  const projection = docCanvas.project(body.state, body.tokens);
  createRoot(rootEl).render(
    <docCanvas.Component
      projection={projection}
      tokens={body.tokens}
      revision={body.revision}
      emit={NOOP_EMIT}
      presence={{ peers: [], setCursor: () => {} }}
      readOnly={false}
      rejected={null}
    />,
  );
  void measure('json', () => dataAt);
}

let collabTransport: CanvasTransport | null = null;
const PAINTED: Record<string, number> = {};
const EVENT_AT: Record<string, number> = {};
w.__benchPainted = PAINTED;
w.__benchEventAt = EVENT_AT;

/**
 * Arms a watch for `text` in the DOM: `__benchPainted[text]` = epoch ms once it is painted, and
 * `__benchEventAt[text]` = epoch ms the next `state_patch` was parsed (edits go one at a time).
 */
function watchFor(text: string): void {
  const painted = PAINTED;
  const eventAt = EVENT_AT;
  const off = collabTransport?.onEvent('state_patch', () => {
    eventAt[text] ??= performance.timeOrigin + performance.now();
    off?.();
  });
  const observer = new MutationObserver(() => {
    if (!document.body.textContent?.includes(text)) return;
    observer.disconnect();
    void afterPaint().then(() => {
      painted[text] = performance.timeOrigin + performance.now();
    });
  });
  observer.observe(document.body, { subtree: true, childList: true, characterData: true });
}

/** Sends an edit of note `noteId`'s text through the harness emitter; returns the epoch ms it was sent. */
function editNote(noteId: string, text: string): number {
  const emit = w.__benchEmit as CommandEmitter | undefined;
  if (!emit) throw new Error('the board is not mounted yet');
  const sentAt = performance.timeOrigin + performance.now();
  void emit.ops([{ op: 'update', root: 'notes', key: noteId, path: ['text'], value: text }], { message: 'bench' });
  return sentAt;
}

if (config.mode === 'easel' || config.mode === 'easel-eager') startEasel('doc', config.mode === 'easel-eager');
else if (config.mode === 'json') void startJson();
else {
  collabTransport = startEasel('board');
  w.__bench = { watchFor, editNote };
}
