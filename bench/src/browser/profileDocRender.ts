import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Browser, CDPSession } from 'playwright-core';
import { type DevGateway, REPO_ROOT } from '../../../e2e/browser/support/DevGateway.ts';
import { bundlePage } from './bundlePage.ts';
import type { BenchPageConfig, BenchPageResult } from './page/BenchPageConfig.ts';
import { summarizeProfile, topTimes } from './profileSnapshot.ts';
import { benchContext } from './runBrowserBench.ts';
import { loadBenchPage, median, withBigDocBench } from './withBigDocBench.ts';

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: Record<string, unknown>;
}

/** What the init script records (performance.now() values). */
interface Hooks {
  configReadAt?: number;
  fetchAt?: number;
  responseAt?: number;
  jsonStartAt?: number;
  jsonEndAt?: number;
  bodyAt?: number;
  bodyBytes?: number;
}

/**
 * Init script (a string: a compiled function could carry bundler helpers the page does not have).
 * The bench's own init script ran first and set the config: the getter keeps it.
 */
const INSTALL_HOOKS = `(() => {
  const hooks = {};
  window.__probe = hooks;
  let config = window.__EASEL_BENCH__;
  Object.defineProperty(window, '__EASEL_BENCH__', {
    configurable: true,
    get() {
      if (hooks.configReadAt === undefined) {
        hooks.configReadAt = performance.now();
        performance.mark('probe:script-start');
      }
      return config;
    },
    set(v) { config = v; },
  });
  const realFetch = window.fetch.bind(window);
  window.fetch = async (...args) => {
    hooks.fetchAt ??= performance.now();
    const res = await realFetch(...args);
    hooks.responseAt ??= performance.now();
    return res;
  };
  Response.prototype.json = async function () {
    hooks.jsonStartAt ??= performance.now();
    const text = await this.text();
    hooks.bodyAt ??= performance.now();
    hooks.bodyBytes = text.length;
    const value = JSON.parse(text);
    hooks.jsonEndAt ??= performance.now();
    return value;
  };
})();`;

export async function trace(cdp: CDPSession, run: () => Promise<void>): Promise<TraceEvent[]> {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => {
    for (const event of e.value as unknown as TraceEvent[]) events.push(event);
  });
  const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: {
      includedCategories: [
        'devtools.timeline',
        'disabled-by-default-devtools.timeline',
        'blink.user_timing',
        'v8',
        'v8.execute',
        'loading',
      ],
    },
  } as never);
  await run();
  await cdp.send('Tracing.end');
  await done;
  return events;
}

/** The main thread's tasks inside [from, to] (trace clock, µs) with their largest children, one line each. */
export function taskLines(events: TraceEvent[], from: number, to: number): string[] {
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) return [];
  const mine = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined);
  const tasks = mine.filter((e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask');
  const lines: string[] = [];
  for (const task of tasks.sort((a, b) => a.ts - b.ts)) {
    if (task.ts + task.dur! < from || task.ts > to || task.dur! < 1000) continue;
    const kids = mine
      .filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur! <= task.ts + task.dur! && e.dur! >= 500)
      .filter((e) => !/RunTask/.test(e.name))
      .map(
        (e) =>
          `${e.name}${e.args?.data && (e.args.data as { functionName?: string }).functionName ? `(${(e.args.data as { functionName?: string }).functionName})` : ''} ${(e.dur! / 1000).toFixed(1)}`,
      );
    lines.push(
      `  +${((task.ts - from) / 1000).toFixed(1).padStart(6)} ms  ${(task.dur! / 1000).toFixed(1).padStart(6)} ms  ${kids.slice(0, 12).join(', ')}`,
    );
  }
  return lines;
}

/** Sum of the self time of main-thread events by category, inside [from, to] (µs, trace clock). */
export function mainThreadSplit(events: TraceEvent[], from: number, to: number): Record<string, number> {
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) return {};
  const complete = events
    .filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined)
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const bucket = (name: string): string | null => {
    if (
      /^(FunctionCall|EvaluateScript|v8\.evaluateModule|TimerFire|FireAnimationFrame|EventDispatch|RunMicrotasks|v8\.run|V8\.Execute)$/.test(
        name,
      )
    )
      return 'script';
    if (/^(UpdateLayoutTree|RecalculateStyles|ParseAuthorStyleSheet)$/.test(name)) return 'style';
    if (/^(Layout|UpdateLayerTree|PrePaint|Layerize|IntersectionObserverController::computeIntersections)$/.test(name))
      return 'layout';
    if (/^(Paint|PaintImage|CompositeLayers|Commit|RasterTask|UpdateLayer)$/.test(name)) return 'paint';
    if (/GC|GarbageCollection/.test(name)) return 'gc';
    if (/^(ParseHTML)$/.test(name)) return 'parse-html';
    return null;
  };
  // Self time: walk the nested X events with a stack, subtract children.
  const out: Record<string, number> = {};
  const stack: { end: number; bucket: string | null; childDur: number; dur: number; ts: number }[] = [];
  const clip = (ts: number, dur: number) => Math.max(0, Math.min(ts + dur, to) - Math.max(ts, from));
  const pop = () => {
    const top = stack.pop()!;
    // Attribute self time to the nearest bucketed ancestor (or itself).
    let b = top.bucket;
    for (let i = stack.length - 1; b === null && i >= 0; i--) b = stack[i]!.bucket;
    const key = b ?? 'other';
    out[key] = (out[key] ?? 0) + Math.max(0, top.dur - top.childDur) / 1000;
    if (stack.length > 0) stack[stack.length - 1]!.childDur += top.dur;
  };
  for (const e of complete) {
    const d = clip(e.ts, e.dur!);
    if (d <= 0) continue;
    while (stack.length > 0 && stack[stack.length - 1]!.end <= e.ts) pop();
    if (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') {
      stack.push({ end: e.ts + e.dur!, bucket: 'task-other', childDur: 0, dur: d, ts: e.ts });
      continue;
    }
    stack.push({ end: e.ts + e.dur!, bucket: bucket(e.name), childDur: 0, dur: d, ts: e.ts });
  }
  while (stack.length > 0) pop();
  const busy = Object.values(out).reduce((a, b) => a + b, 0);
  out.idle = (to - from) / 1000 - busy;
  return out;
}

/** One traced load of the JSON-baseline page: the phase split and the main thread's task lines. */
async function loadTraced(
  browser: Browser,
  gateway: DevGateway,
  bundle: string,
  config: BenchPageConfig,
): Promise<{ row: Record<string, number>; timeline: string[] }> {
  const { context, page } = await benchContext(browser, gateway, bundle, config);
  await context.addInitScript({ content: INSTALL_HOOKS });
  const cdp = await context.newCDPSession(page);
  let result: BenchPageResult | null = null;
  let hooks: Hooks = {};
  const events = await trace(cdp, async () => {
    await loadBenchPage(page, gateway);
    [result, hooks] = await page.evaluate(() => {
      const w = window as unknown as { __benchResult: BenchPageResult; __probe: Hooks };
      return [w.__benchResult, w.__probe] as const;
    });
  });
  await context.close();
  const r = result as BenchPageResult | null;
  if (!r || r.error) throw new Error(`page failed: ${JSON.stringify(r)}`);
  // performance.now() → trace clock, through the mark the hooks set at script start.
  const scriptStart = hooks.configReadAt!;
  const mark = events.find((e) => e.name === 'probe:script-start');
  if (!mark) throw new Error('no probe:script-start mark in the trace');
  const t = (ms: number) => mark.ts + (ms - scriptStart) * 1000;
  const dataAt = scriptStart + r.toDataMs;
  const interactiveAt = scriptStart + r.toInteractiveMs;
  const split = mainThreadSplit(events, t(dataAt), t(interactiveAt));
  const row: Record<string, number> = {
    toInteractive: r.toInteractiveMs,
    toData: r.toDataMs,
    'nav→script': scriptStart,
    'script→fetch': hooks.fetchAt! - scriptStart,
    'fetch→headers': hooks.responseAt! - hooks.fetchAt!,
    'headers→json()': hooks.jsonStartAt! - hooks.responseAt!,
    body: hooks.bodyAt! - hooks.jsonStartAt!,
    'JSON.parse': hooks.jsonEndAt! - hooks.bodyAt!,
    'parsed→dataAt': dataAt - hooks.jsonEndAt!,
    'data→interactive': r.toInteractiveMs - r.toDataMs,
    ...Object.fromEntries(Object.entries(split).map(([k, v]) => [`  ${k}`, v])),
  };
  return { row, timeline: taskLines(events, t(dataAt), t(interactiveAt)) };
}

/** Files of the doc render path whose committed (HEAD) version the "old" bundle uses. */
const AB_FILES = [
  'sdk/canvases/src/doc/projectDoc.ts',
  'sdk/canvases/src/doc/DocCanvas.tsx',
  'sdk/canvases/src/doc/DocBlockView.tsx',
  'sdk/canvases/src/lib/WindowedList.tsx',
  'sdk/canvases/src/lib/windowRows.ts',
];

/** The bench page with `files` (default AB_FILES) as committed (read with `git show`, nothing in the tree changes). */
/**
 * A bench page context for CPU profiling: the unminified bundle (readable function names), `hooks`
 * installed before the page's scripts, and a CDP session with the sampling profiler enabled (200 µs).
 */
export async function openProfiledPage(browser: Browser, gateway: DevGateway, config: BenchPageConfig, hooks: string) {
  const unminified = await bundlePage({ minify: false });
  const { context, page } = await benchContext(browser, gateway, unminified, config);
  await context.addInitScript({ content: hooks });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  return { context, page, cdp };
}

export async function bundleAtHead(files: readonly string[] = AB_FILES): Promise<string> {
  return bundlePage({
    plugins: [
      {
        name: 'at-head',
        setup(b) {
          const filter = new RegExp(`(${files.map((f) => f.replace(/[./]/g, (c) => `\\${c}`)).join('|')})$`);
          b.onLoad({ filter }, (args) => {
            const rel = path.relative(REPO_ROOT, args.path);
            const contents = execFileSync('git', ['show', `HEAD:${rel}`], { cwd: REPO_ROOT, encoding: 'utf8' });
            return { contents, loader: rel.endsWith('.tsx') ? 'tsx' : 'ts', resolveDir: path.dirname(args.path) };
          });
        },
      },
    ],
  });
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 5);
  const cpu = process.argv.includes('--cpu');
  const ab = process.argv.includes('--ab');
  await withBigDocBench(async ({ gateway, browser, admin, blocks, scope }) => {
    const bundle = await bundlePage();
    // --ab: the same page built with this tree's doc canvas and WindowedList ("new") and with the
    // committed ones ("old", HEAD), loaded alternately in one run.
    const variants: [string, string][] = ab
      ? [
          ['new', bundle],
          ['old', await bundleAtHead()],
        ]
      : [['new', bundle]];
    const config: BenchPageConfig = {
      mode: 'json',
      baseUrl: gateway.url,
      token: admin,
      scope,
      expectBlocks: blocks,
    };
    const rows = new Map<string, Record<string, number>[]>(variants.map(([name]) => [name, []]));
    for (let i = 0; i < runs + 1; i++) {
      const order = i % 2 === 0 ? variants : [...variants].reverse();
      for (const [variant, code] of order) {
        const { row, timeline } = await loadTraced(browser, gateway, code, config);
        if (process.argv.includes('--timeline') && i === runs)
          console.log(`tasks from data in hand to interactive (${variant}, run ${i}):\n${timeline.join('\n')}`);
        if (i > 0) rows.get(variant)!.push(row); // the first load of each warms the gateway's snapshot path
        console.log(
          `${variant} run ${i}${i === 0 ? ' (warm-up)' : ''}: ${Object.entries(row)
            .map(([k, v]) => `${k.trim()}=${v.toFixed(1)}`)
            .join(' ')}`,
        );
      }
    }
    const keys = [...new Set([...rows.values()].flat().flatMap((r) => Object.keys(r)))];
    console.log(`\nmedians of ${runs} runs (ms): ${variants.map(([v]) => v.padStart(8)).join('')}`);
    for (const k of keys) {
      const cells = variants.map(([v]) =>
        median(rows.get(v)!.map((r) => r[k] ?? 0))
          .toFixed(1)
          .padStart(8),
      );
      console.log(`${k.padEnd(26)} ${cells.join('')}`);
    }

    if (cpu) {
      const { context, page, cdp } = await openProfiledPage(browser, gateway, config, INSTALL_HOOKS);
      let profile = null as unknown as Parameters<typeof summarizeProfile>[0] & { startTime: number };
      let r = null as unknown as BenchPageResult;
      const events = await trace(cdp, async () => {
        await cdp.send('Profiler.start');
        await loadBenchPage(page, gateway);
        ({ profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: typeof profile });
        r = await page.evaluate(() => (window as unknown as { __benchResult: BenchPageResult }).__benchResult);
      });
      await context.close();
      // Keep only the samples after data in hand: profile time is µs on the trace clock.
      const mark = events.find((e) => e.name === 'probe:script-start')!;
      const from = mark.ts + r.toDataMs * 1000;
      let ts = profile.startTime;
      const samples: number[] = [];
      const deltas: number[] = [];
      for (let k = 0; k < profile.samples.length; k++) {
        ts += profile.timeDeltas[k]!;
        if (ts >= from) {
          samples.push(profile.samples[k]!);
          deltas.push(profile.timeDeltas[k]!);
        }
      }
      const { self, inclusive } = summarizeProfile({ ...profile, samples, timeDeltas: [0, ...deltas.slice(1)] });
      const top = (m: Map<string, number>, n: number) => topTimes(m, n);
      console.log(`\n=== cpu profile after data in hand (unminified): ${JSON.stringify(r)}`);
      console.log(`--- self\n${top(self, 30)}\n--- inclusive\n${top(inclusive, 40)}`);
    }
  });
}

if (process.argv[1]?.endsWith('profileDocRender.ts')) await main();
