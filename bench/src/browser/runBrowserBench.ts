import os from 'node:os';
import path from 'node:path';
import { docCanvas } from '@easel/canvases';
import type { CanvasScope, StateOp } from '@easel/schemas';
import { CanvasTransport } from '@easel/transport';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DevGateway } from '../../../e2e/browser/support/DevGateway.ts';
import { launchChromium } from '../../../e2e/browser/support/launchChromium.ts';
import { percentile, spread } from '../lib/stats.ts';
import {
  BROWSER_FULL,
  BROWSER_QUICK,
  type BrowserResult,
  type LatencyStats,
  type SnapshotSample,
} from './BrowserResult.ts';
import { BENCH_HTML, bundlePage } from './bundlePage.ts';
import { measureBundle } from './measureBundles.ts';
import { measureHostFirstLoad } from './measureHostFirstLoad.ts';
import type { BenchPageConfig, BenchPageResult } from './page/BenchPageConfig.ts';

const PROJECT = 'bench-browser';
/** Ops per `state.ops` seeding command: under the 64 KiB event limit with these blocks. */
const OPS_PER_COMMAND = 250;

export function scope(canvasId: string): CanvasScope {
  return {
    tenant_id: 'demo',
    project_id: PROJECT,
    app_id: 'bench',
    surface_id: 'main',
    mode: 'edit',
    canvas_id: canvasId,
  };
}

function stats(values: number[]): LatencyStats | null {
  if (values.length === 0) return null;
  return { p50: percentile(values, 50), p99: percentile(values, 99), max: Math.max(...values), n: values.length };
}

/** Creates a canvas and fills it with `ops` in commands of 500, through a Node transport. */
export async function seedCanvas(gateway: DevGateway, token: string, canvasId: string, type: string, ops: StateOp[]) {
  const transport = new CanvasTransport({ baseUrl: gateway.url, token, scope: scope(canvasId) });
  try {
    const created = await transport.createCanvas(type, canvasId);
    if (!created.ok) throw new Error(`canvas.create ${canvasId}: ${created.error.code} ${created.error.message}`);
    for (let i = 0; i < ops.length; i += OPS_PER_COMMAND) {
      const sent = await transport.applyOps(ops.slice(i, i + OPS_PER_COMMAND));
      if (!sent.ok) throw new Error(`state.ops ${canvasId}: ${sent.error.code} ${sent.error.message}`);
    }
  } finally {
    transport.close();
  }
}

/**
 * Registers the doc canvas type and seeds canvas `big-doc` with `blocks` blocks (every tenth a
 * heading): the canvas of "snapshot → interactive".
 */
export async function seedBigDoc(gateway: DevGateway, admin: string, blocks: number): Promise<void> {
  await registerType(gateway, admin, docCanvas.manifest);
  const ops: StateOp[] = Array.from({ length: blocks }, (_, i) => ({
    op: 'insert',
    root: 'blocks',
    value: { id: `b${i}`, kind: i % 10 === 0 ? 'heading' : 'paragraph', text: `Block ${i}: some text of a block.` },
  }));
  await seedCanvas(gateway, admin, 'big-doc', 'doc', ops);
}

export async function registerType(gateway: DevGateway, token: string, manifest: object & { type: string }) {
  const res = await fetch(`${gateway.url}/v1/projects/${PROJECT}/canvas-types/${manifest.type}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(manifest),
    signal: AbortSignal.timeout(10_000),
  });
  if (res.status !== 200 && res.status !== 201)
    throw new Error(`PUT canvas type ${manifest.type}: ${res.status} ${await res.text()}`);
}

/** A context whose `/__bench/` URLs are the bench page, on the gateway's origin (no CORS). */
export async function benchContext(browser: Browser, gateway: DevGateway, bundle: string, config: BenchPageConfig) {
  const context = await browser.newContext();
  await context.route(`${gateway.url}/__bench/**`, (route) => {
    const url = new URL(route.request().url());
    if (url.pathname.endsWith('/page.js'))
      return route.fulfill({ status: 200, contentType: 'text/javascript', body: bundle });
    return route.fulfill({ status: 200, contentType: 'text/html', body: BENCH_HTML });
  });
  await context.addInitScript((c) => {
    (window as unknown as { __EASEL_BENCH__: unknown }).__EASEL_BENCH__ = c;
  }, config);
  const page = await context.newPage();
  return { context, page };
}

async function loadOnce(
  browser: Browser,
  gateway: DevGateway,
  bundle: string,
  config: BenchPageConfig,
): Promise<BenchPageResult> {
  const { context, page } = await benchContext(browser, gateway, bundle, config);
  try {
    await page.goto(`${gateway.url}/__bench/index.html`, { waitUntil: 'commit', timeout: 30_000 });
    await page.waitForFunction(() => (window as unknown as { __benchResult?: unknown }).__benchResult, null, {
      timeout: 200_000,
      polling: 100,
    });
    return (await page.evaluate(
      () => (window as unknown as { __benchResult: unknown }).__benchResult,
    )) as BenchPageResult;
  } finally {
    await context.close();
  }
}

/** Edit in tab A → painted in tab B, one edit at a time. */
async function measureEdits(
  pages: { a: Page; b: Page },
  noteIds: string[],
  count: number,
  deadlineMs: number,
): Promise<{ total: number[]; toEvent: number[]; lost: number }> {
  const total: number[] = [];
  const toEvent: number[] = [];
  let lost = 0;
  for (let i = 0; i < count; i++) {
    const text = `edit-${Date.now().toString(36)}-${i}`;
    const noteId = noteIds[i % noteIds.length]!;
    await pages.b.evaluate(
      (t) => (window as unknown as { __bench: { watchFor(t: string): void } }).__bench.watchFor(t),
      text,
    );
    const sentAt = await pages.a.evaluate(
      ([id, t]) =>
        (window as unknown as { __bench: { editNote(id: string, t: string): number } }).__bench.editNote(id!, t!),
      [noteId, text],
    );
    const handle = await pages.b
      .waitForFunction(
        (t) => {
          const w = window as unknown as {
            __benchPainted?: Record<string, number>;
            __benchEventAt?: Record<string, number>;
          };
          const painted = w.__benchPainted?.[t];
          return painted ? { painted, event: w.__benchEventAt?.[t] ?? 0 } : null;
        },
        text,
        { timeout: deadlineMs, polling: 'raf' },
      )
      .catch(() => null);
    const value = handle ? ((await handle.jsonValue()) as { painted: number; event: number }) : null;
    if (!value) lost++;
    else {
      total.push(value.painted - sentAt);
      if (value.event > 0) toEvent.push(value.event - sentAt);
    }
    await new Promise((r) => setTimeout(r, 15));
  }
  return { total, toEvent, lost };
}

/**
 * `pnpm bench browser`: in Debian's Chromium against a real `easel dev` —
 * (1) a 10k-block doc canvas from snapshot to interactive, interleaved with the same data rendered
 * from a plain JSON fetch; (2) edit → other tab painted; (3) gzip sizes of the transport (yjs
 * external) and of the host app's first load.
 */
export async function runBrowserBench(options: { quick: boolean; log: (m: string) => void }): Promise<BrowserResult> {
  const config = options.quick ? BROWSER_QUICK : BROWSER_FULL;
  const log = options.log;
  const failures: string[] = [];
  const result: BrowserResult = {
    config,
    chromium: '',
    snapshot: { samples: [], easel: null, json: null, easelData: null, jsonData: null },
    editToPaint: { total: null, toEvent: null, lost: 0 },
    bundles: { transport: null, transportWithoutZod: null, hostFirstLoad: null },
    failures,
  };

  const transportEntry = path.resolve(import.meta.dirname, '../../../sdk/transport/src/index.ts');
  try {
    result.bundles.transport = await measureBundle('@easel/transport (yjs external)', transportEntry, ['yjs']);
    result.bundles.transportWithoutZod = await measureBundle('@easel/transport (yjs, zod external)', transportEntry, [
      'yjs',
      'zod',
    ]);
    log(`browser: transport gzip ${(result.bundles.transport.entryGzip / 1000).toFixed(1)} KB (yjs external)`);
  } catch (error) {
    failures.push(`bundle: ${String(error)}`);
  }

  let gateway: DevGateway | null = null;
  let browser: Browser | null = null;
  const contexts: BrowserContext[] = [];
  try {
    log('browser: starting easel dev (builds host/dist when stale) and Chromium');
    gateway = await DevGateway.start({ startTimeoutMs: 240_000 });
    browser = await launchChromium();
    result.chromium = browser.version();
    const admin = (await gateway.token('bench-admin', ['admin'])).token;
    await seedBigDoc(gateway, admin, config.blocks);
    log(`browser: seeded ${config.blocks} blocks`);
    const bundle = await bundlePage();
    const pageConfig = (mode: BenchPageConfig['mode'], canvasId: string): BenchPageConfig => ({
      mode,
      baseUrl: gateway!.url,
      token: admin,
      scope: scope(canvasId),
      expectBlocks: config.blocks,
    });

    for (let i = 0; i < config.warmupLoads; i++) {
      for (const mode of ['easel', 'easel-eager', 'json'] as const)
        await loadOnce(browser, gateway, bundle, pageConfig(mode, 'big-doc'));
    }
    for (let round = 0; round < config.rounds; round++) {
      const modes = ['easel', 'json', 'easel-eager'] as const;
      const order = [0, 1, 2].map((i) => modes[(i + round) % 3]!); // each mode goes first once per 3 rounds
      for (const mode of order) {
        const r = await loadOnce(browser, gateway, bundle, pageConfig(mode, 'big-doc'));
        if (r.error) failures.push(`snapshot ${mode} round ${round}: ${r.error}`);
        else
          result.snapshot.samples.push({
            round,
            mode,
            toInteractiveMs: r.toInteractiveMs,
            toDataMs: r.toDataMs,
            ...(r.toEditableMs !== undefined ? { toEditableMs: r.toEditableMs } : {}),
            ...(r.paintedFromJson !== undefined ? { paintedFromJson: r.paintedFromJson } : {}),
            ...(r.hydratedMs !== undefined ? { hydratedMs: r.hydratedMs } : {}),
            ...(r.blockJsonsAtEditable !== undefined ? { blockJsonsAtEditable: r.blockJsonsAtEditable } : {}),
            load1: os.loadavg()[0]!,
          });
      }
      log(`browser: snapshot round ${round + 1}/${config.rounds}`);
    }
    const of = (mode: SnapshotSample['mode'], pick: (s: SnapshotSample) => number) =>
      spread(result.snapshot.samples.filter((s) => s.mode === mode).map(pick));
    result.snapshot.easel = of('easel', (s) => s.toInteractiveMs);
    result.snapshot.json = of('json', (s) => s.toInteractiveMs);
    result.snapshot.easelData = of('easel', (s) => s.toDataMs);
    result.snapshot.easelEager = of('easel-eager', (s) => s.toInteractiveMs);
    result.snapshot.jsonData = of('json', (s) => s.toDataMs);
    result.snapshot.easelFromData = of('easel', (s) => s.toInteractiveMs - s.toDataMs);
    result.snapshot.jsonFromData = of('json', (s) => s.toInteractiveMs - s.toDataMs);
    result.snapshot.easelEditable = spread(
      result.snapshot.samples.flatMap((s) =>
        s.mode === 'easel' && s.toEditableMs !== undefined ? [s.toEditableMs] : [],
      ),
    );
    const loads = result.snapshot.samples.map((s) => s.load1);
    result.snapshot.load1 = loads.length > 0 ? { min: Math.min(...loads), max: Math.max(...loads) } : null;

    const noteIds = Array.from({ length: config.boardNotes }, (_, i) => `n${i}`);
    await seedCanvas(
      gateway,
      admin,
      'edit-board',
      'board',
      noteIds.map((id, i) => ({
        op: 'insert',
        root: 'notes',
        key: id,
        value: { text: `note ${i}`, column: 'todo', order: i },
      })),
    );
    const tabs: Page[] = [];
    for (const _ of ['a', 'b']) {
      const { context, page } = await benchContext(browser, gateway, bundle, pageConfig('collab', 'edit-board'));
      contexts.push(context);
      await page.goto(`${gateway.url}/__bench/index.html`, { timeout: 30_000 });
      await page.getByTestId(`note-${noteIds[0]}`).waitFor({ timeout: 30_000 });
      tabs.push(page);
    }
    const pages = { a: tabs[0]!, b: tabs[1]! };
    await measureEdits(pages, noteIds, config.warmupEdits, config.editDeadlineMs);
    const edits = await measureEdits(pages, noteIds, config.edits, config.editDeadlineMs);
    result.editToPaint = { total: stats(edits.total), toEvent: stats(edits.toEvent), lost: edits.lost };
    log(`browser: ${edits.total.length} edits painted, ${edits.lost} lost`);

    result.bundles.hostFirstLoad = await measureHostFirstLoad(
      browser,
      gateway.url,
      path.resolve(import.meta.dirname, '../../../host/dist'),
    );
  } catch (error) {
    failures.push(String(error).slice(0, 2000));
    log(`browser: FAILED ${String(error).split('\n')[0]}`);
  } finally {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await gateway?.dispose();
  }
  return result;
}
