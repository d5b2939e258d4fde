/**
 * Issue 7, data in hand → interactive: where the Easel page (EaselProvider + CanvasHost, paint
 * first) spends the time between CANVAS_READY parsed and the first full paint, next to the JSON
 * page. Per load: the main thread's tasks in that window (trace, unminified bundle), the big
 * `JSON.parse`s, the stream chunks read, when the first doc row entered the DOM (the commit), and
 * how many times the cartridge projected.
 *
 *   pnpm exec tsx bench/src/browser/profileEaselInteractive.ts [runs] [--timeline] [--minified]
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { DevGateway } from '../../../e2e/browser/support/DevGateway.ts';
import { bundlePage } from './bundlePage.ts';
import type { BenchPageConfig, BenchPageResult } from './page/BenchPageConfig.ts';
import { bundleAtHead, mainThreadSplit, taskLines, trace } from './profileDocRender.ts';
import { benchContext } from './runBrowserBench.ts';
import { loadBenchPage, median, withBigDocBench } from './withBigDocBench.ts';
import { RECORD_CHUNKS_AND_BIG_PARSES } from './pageHooks.ts';

interface Hooks {
  configReadAt?: number;
  firstRowAt?: number;
  chunks: { at: number; bytes: number }[];
  parses: { start: number; end: number; chars: number }[];
  rafs: number[];
  decodes: number[];
}

const INSTALL_HOOKS = `(() => {
  const hooks = { chunks: [], parses: [], rafs: [], decodes: [] };
  const fromBase64 = Uint8Array.fromBase64;
  if (fromBase64) Uint8Array.fromBase64 = function (text, ...rest) { if (text.length > 100000) hooks.decodes.push(performance.now()); return fromBase64.call(this, text, ...rest); };
  const atob0 = window.atob;
  window.atob = (text) => { if (text.length > 100000) hooks.decodes.push(performance.now()); return atob0(text); };
  window.__probe = hooks;
  let config = window.__EASEL_BENCH__;
  Object.defineProperty(window, '__EASEL_BENCH__', {
    configurable: true,
    get() { if (hooks.configReadAt === undefined) { hooks.configReadAt = performance.now(); performance.mark('probe:script-start'); } return config; },
    set(v) { config = v; },
  });
${RECORD_CHUNKS_AND_BIG_PARSES}  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) => raf((t) => { hooks.rafs.push(performance.now()); cb(t); });
  const observer = new MutationObserver(() => {
    if (hooks.firstRowAt === undefined && document.getElementsByClassName('easel-doc-block').length > 0) {
      hooks.firstRowAt = performance.now();
      performance.mark('probe:first-row');
      observer.disconnect();
    }
  });
  observer.observe(document, { subtree: true, childList: true });
})();`;

async function loadOne(
  browser: Browser,
  gateway: DevGateway,
  bundle: string,
  config: BenchPageConfig,
  timeline: boolean,
  cpu = false,
): Promise<{ row: Record<string, number>; lines: string[] }> {
  const { context, page } = await benchContext(browser, gateway, bundle, config);
  await context.addInitScript({ content: INSTALL_HOOKS });
  const cdp = await context.newCDPSession(page);
  let r = null as unknown as BenchPageResult;
  let h = null as unknown as Hooks;
  let profile: CpuProfile | null = null;
  if (cpu) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  }
  const events = await trace(cdp, async () => {
    if (cpu) await cdp.send('Profiler.start');
    await loadBenchPage(page, gateway);
    if (cpu) ({ profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile });
    [r, h] = (await page.evaluate(() => {
      const w = window as unknown as { __benchResult: unknown; __probe: unknown };
      return [w.__benchResult, w.__probe];
    })) as [BenchPageResult, Hooks];
  });
  await context.close();
  if (r.error) throw new Error(r.error);
  const s0 = h.configReadAt!;
  const dataAt = s0 + r.toDataMs;
  const interactiveAt = s0 + r.toInteractiveMs;
  const mark = events.find((e) => e.name === 'probe:script-start');
  const t = (ms: number) => mark!.ts + (ms - s0) * 1000;
  const split = mark ? mainThreadSplit(events as never, t(dataAt), t(interactiveAt)) : {};
  const parsesAfter = h.parses.filter((p) => p.start >= dataAt - 0.5);
  const row: Record<string, number> = {
    interactive: r.toInteractiveMs,
    dataInHand: r.toDataMs,
    'data→interactive': r.toInteractiveMs - r.toDataMs,
    'data→first row in DOM': (h.firstRowAt ?? Number.NaN) - dataAt,
    'first row→interactive': interactiveAt - (h.firstRowAt ?? Number.NaN),
    'chunks after data': h.chunks.filter((c) => c.at > dataAt && c.at < interactiveAt).length,
    'big parses after data (ms)': parsesAfter
      .filter((p) => p.start < interactiveAt)
      .reduce((a, p) => a + p.end - p.start, 0),
    'rAF callbacks data→interactive': h.rafs.filter((x) => x > dataAt && x <= interactiveAt).length,
    'update frame parsed (after data)': (parsesAfter[0]?.start ?? Number.NaN) - dataAt,
    'hydrate start - interactive': (h.decodes[0] ?? Number.NaN) - interactiveAt,
    projections: r.projections ?? Number.NaN,
    blockJsons: r.blockJsons ?? Number.NaN,
    ...Object.fromEntries(Object.entries(split).map(([k, v]) => [`  ${k}`, v])),
  };
  const lines = timeline && mark ? taskLines(events as never, t(dataAt), t(interactiveAt)) : [];
  if (profile && mark) lines.push(...cpuSlices(profile, t(dataAt - 5), t(interactiveAt), t(dataAt)));
  return { row, lines };
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
}

const BORING =
  /^(\(root\)|\(program\)|\(idle\)|\(anon\)|performWorkUntilDeadline|flushWork|workLoop|runTask|processRootSchedule.*|flushSyncWork.*|performWorkOnRoot.*|renderRootSync|workLoopSync|performUnitOfWork|beginWork|completeUnitOfWork|callCallback|v8\.callFunction)$/;

/** Samples in [from, to] (trace µs) in 5 ms slices: each slice's top stacks (3 deepest interesting frames). */
function cpuSlices(profile: CpuProfile, from: number, to: number, zero: number): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const slices = new Map<number, Map<string, number>>();
  let ts = profile.startTime;
  for (let k = 0; k < profile.samples.length; k++) {
    ts += profile.timeDeltas[k]!;
    if (ts < from || ts > to) continue;
    const path: string[] = [];
    for (
      let cur: number | undefined = profile.samples[k]!, d = 0;
      cur !== undefined && d < 200;
      cur = parent.get(cur), d++
    ) {
      const n = byId.get(cur)!;
      const name = n.callFrame.functionName || '(anon)';
      if (!BORING.test(name)) path.push(`${name}@${n.callFrame.lineNumber}`);
    }
    const key = path.length === 0 ? '(idle/program)' : path.slice(0, 3).reverse().join(' > ');
    const slice = Math.floor((ts - zero) / 5000) * 5;
    let m = slices.get(slice);
    if (!m) {
      m = new Map();
      slices.set(slice, m);
    }
    m.set(key, (m.get(key) ?? 0) + 0.2);
  }
  const out = ['--- cpu samples by 5 ms slice after data in hand (ms ≈ samples × 0.2):'];
  for (const [slice, m] of [...slices].sort((a, b) => a[0] - b[0])) {
    const topK = [...m].sort((a, b) => b[1] - a[1]).slice(0, 4);
    out.push(`  +${String(slice).padStart(4)}: ${topK.map(([k, v]) => `${v.toFixed(1)} ${k}`).join(' | ')}`);
  }
  return out;
}

/** The bench page with the harness's plugin list request stubbed out (never answered). */
async function bundleWithoutSideRequests(): Promise<string> {
  return bundlePage({
    plugins: [
      {
        name: 'no-side-requests',
        setup(b) {
          b.onLoad({ filter: /harnessApiFromTransport\.ts$/ }, (args) => {
            const text = readFileSync(args.path, 'utf8');
            const contents = text.replace(
              'listPlugins: async () => result(await transport.plugins.list()),',
              'listPlugins: () => new Promise(() => {}),',
            );
            if (contents === text) throw new Error('harnessApiFromTransport changed: update the stub');
            return { contents, loader: 'ts', resolveDir: path.dirname(args.path) };
          });
        },
      },
    ],
  });
}

/** The files `--ab` takes from HEAD for the "easel-old" page. */
const AB_FILES = ['sdk/transport/src/sse/SseReader.ts', 'sdk/transport/src/CanvasTransport.ts'];

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 5);
  const timeline = process.argv.includes('--timeline');
  const cpu = process.argv.includes('--cpu');
  await withBigDocBench(async ({ gateway, browser, admin, blocks, scope }) => {
    const bundle = await bundlePage({ minify: process.argv.includes('--minified') });
    const base: BenchPageConfig = { mode: 'easel', baseUrl: gateway.url, token: admin, scope, expectBlocks: blocks };
    // --ab: also the Easel page built with the committed (HEAD) versions of AB_FILES ("easel-old").
    const variants: [string, string, BenchPageConfig['mode']][] = [
      ['easel', bundle, 'easel'],
      ['json', bundle, 'json'],
    ];
    if (process.argv.includes('--ab')) variants.push(['easel-old', await bundleAtHead(AB_FILES), 'easel']);
    // --no-side: the Easel page with the harness's start-up side requests (plugins list) never sent.
    if (process.argv.includes('--no-side')) variants.push(['easel-noside', await bundleWithoutSideRequests(), 'easel']);
    const modes = variants.map(([name]) => name);
    const rows = new Map<string, Record<string, number>[]>(modes.map((m) => [m, []]));
    for (let i = 0; i < runs + 1; i++) {
      const order = variants.map((_, k) => variants[(k + i) % variants.length]!);
      for (const [mode, code, pageMode] of order) {
        const last = i === runs;
        const { row, lines } = await loadOne(
          browser,
          gateway,
          code,
          { ...base, mode: pageMode },
          timeline && (last || process.argv.includes('--all')),
          cpu && last,
        );
        if (i > 0) rows.get(mode)!.push(row);
        console.log(
          `${mode} run ${i}${i === 0 ? ' (warm-up)' : ''}: ${Object.entries(row)
            .map(([k, v]) => `${k.trim()}=${v.toFixed(1)}`)
            .join(' ')}`,
        );
        if (lines.length > 0) console.log(`tasks data in hand → interactive (${mode}):\n${lines.join('\n')}`);
      }
    }
    const keys = [...new Set([...rows.values()].flat().flatMap((r) => Object.keys(r)))];
    console.log(
      `\nload ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}; medians of ${runs} (ms): ${modes.map((m) => m.padStart(8)).join('')}`,
    );
    for (const k of keys) {
      const cells = modes.map((m) =>
        median(rows.get(m)!.map((r) => r[k] ?? 0))
          .toFixed(1)
          .padStart(8),
      );
      console.log(`${k.padEnd(32)} ${cells.join('')}`);
    }
  });
}

if (process.argv[1]?.endsWith('profileEaselInteractive.ts')) await main();
