import os from 'node:os';
import { bundlePage } from './bundlePage.ts';
import type { BenchPageConfig, BenchPageResult } from './page/BenchPageConfig.ts';
import { bundleAtHead, openProfiledPage, taskLines, trace } from './profileDocRender.ts';
import { summarizeProfile, topTimes } from './profileSnapshot.ts';
import { benchContext } from './runBrowserBench.ts';
import { loadBenchPage, median, withBigDocBench } from './withBigDocBench.ts';
import { RECORD_CHUNKS_AND_BIG_PARSES } from './pageHooks.ts';

/** What the init script records (performance.now() values, ms). */
interface Hooks {
  configReadAt?: number;
  fetchAt?: number;
  responseAt?: number;
  firstChunkAt?: number;
  chunks: { at: number; bytes: number }[];
  decodeMs: number;
  parses: { start: number; end: number; chars: number }[];
}

const INSTALL_HOOKS = `(() => {
  const hooks = { chunks: [], decodeMs: 0, parses: [] };
  window.__probe = hooks;
  let config = window.__EASEL_BENCH__;
  Object.defineProperty(window, '__EASEL_BENCH__', {
    configurable: true,
    get() { if (hooks.configReadAt === undefined) { hooks.configReadAt = performance.now(); performance.mark('probe:script-start'); } return config; },
    set(v) { config = v; },
  });
  const realFetch = window.fetch.bind(window);
  window.fetch = async (...args) => {
    const url = String(args[0]);
    const events = url.includes('/events');
    if (events) hooks.fetchAt ??= performance.now();
    const res = await realFetch(...args);
    if (events) hooks.responseAt ??= performance.now();
    return res;
  };
${RECORD_CHUNKS_AND_BIG_PARSES}  const decode = TextDecoder.prototype.decode;
  TextDecoder.prototype.decode = function (...args) {
    const t = performance.now();
    const out = decode.apply(this, args);
    if (args[1] && args[1].stream) hooks.decodeMs += performance.now() - t;
    return out;
  };
})();`;

/**
 * The files of the data path this work changed: `--ab` builds the "old" page from their HEAD
 * versions (`--ab=<file>,<file>` names others, repo-relative).
 */
const AB_READY_FILES = [
  'sdk/transport/src/mirror/CanvasMirror.ts',
  'sdk/transport/src/sse/parseEnvelope.ts',
  'sdk/transport/src/lib/base64.ts',
  'bench/src/browser/page/benchPage.tsx',
];

/** Node-side read of one stream: ms to headers, first byte of the CANVAS_READY frame, its end, and its size. */
async function gatewayStream(url: string, token: string): Promise<Record<string, number>> {
  const t0 = performance.now();
  const controller = new AbortController();
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  const headers = performance.now() - t0;
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let first = Number.NaN;
  let bytes = 0;
  let tail = '';
  for (let i = 0; i < 100_000; i++) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    // Only the new text (and a short tail of the last) is searched: no quadratic scan.
    const text = tail + decoder.decode(value, { stream: true });
    if (Number.isNaN(first)) {
      const at = text.indexOf('event: CANVAS_READY');
      if (at >= 0) {
        first = performance.now() - t0;
        if (text.indexOf('\n\n', at) >= 0) break;
      }
    } else if (text.includes('\n\n')) break;
    tail = text.slice(-32);
  }
  const end = performance.now() - t0;
  controller.abort();
  return { headers, readyFirstByte: first, readyLastByte: end, bytes };
}

async function gatewayJson(url: string, token: string): Promise<Record<string, number>> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const headers = performance.now() - t0;
  const body = await res.arrayBuffer();
  return { headers, lastByte: performance.now() - t0, bytes: body.byteLength };
}

/** `--ab=<files>` (comma-separated, repo-relative), else {@link AB_READY_FILES}. */
function abFiles(): readonly string[] {
  const arg = process.argv.find((a) => a.startsWith('--ab='));
  return arg === undefined ? AB_READY_FILES : arg.slice('--ab='.length).split(',').filter(Boolean);
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 5);
  const cpu = process.argv.includes('--cpu');
  await withBigDocBench(async ({ gateway, browser, admin, blocks, scope: s }) => {
    const { canvas_id: _c, ...rest } = s;
    const q = new URLSearchParams(rest as Record<string, string>).toString();
    const streamUrl = `${gateway.url}/v1/canvases/big-doc/events?${q}&paint=state`;
    const jsonUrl = `${gateway.url}/v1/canvases/big-doc?${q}`;
    const gw: Record<string, Record<string, number>[]> = { stream: [], json: [] };
    for (let i = 0; i < runs + 1; i++) {
      const a = await gatewayStream(streamUrl, admin);
      const b = await gatewayJson(jsonUrl, admin);
      if (i > 0) {
        gw.stream!.push(a);
        gw.json!.push(b);
      }
    }
    console.log(
      `load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    for (const [k, rows] of Object.entries(gw)) {
      const keys = Object.keys(rows[0]!);
      console.log(
        `gateway ${k} (Node fetch, medians of ${runs}): ${keys.map((x) => `${x}=${median(rows.map((r) => r[x]!)).toFixed(1)}`).join(' ')}`,
      );
    }

    const bundle = await bundlePage();
    const config: BenchPageConfig = {
      mode: 'easel',
      baseUrl: gateway.url,
      token: admin,
      scope: s,
      expectBlocks: blocks,
    };
    // --ab: this tree's page ("new") interleaved with the page built from the committed (HEAD)
    // versions of AB_READY_FILES ("old") and the JSON baseline, in one run.
    const variants: [string, string, BenchPageConfig][] = process.argv.some(
      (a) => a === '--ab' || a.startsWith('--ab='),
    )
      ? [
          ['new', bundle, config],
          ['old', await bundleAtHead(abFiles()), config],
          ['json', bundle, { ...config, mode: 'json' }],
        ]
      : [['new', bundle, config]];
    const byVariant = new Map<string, Record<string, number>[]>(variants.map(([v]) => [v, []]));
    for (let i = 0; i < (runs + 1) * variants.length; i++) {
      const [variant, code, cfg] = variants[(i + Math.floor(i / variants.length)) % variants.length]!;
      const rows = byVariant.get(variant)!;
      const { context, page } = await benchContext(browser, gateway, code, cfg);
      await context.addInitScript({ content: INSTALL_HOOKS });
      await loadBenchPage(page, gateway);
      const [r, h] = (await page.evaluate(() => {
        const w = window as unknown as { __benchResult: unknown; __probe: unknown };
        return [w.__benchResult, w.__probe];
      })) as [BenchPageResult, Hooks];
      await context.close();
      if (r.error) throw new Error(r.error);
      const s0 = h.configReadAt ?? 0;
      const dataAt = s0 + r.toDataMs;
      const big = h.parses.find((p) => p.chars > 500_000);
      // The chunk that completed the frame: the last one read before the big parse started.
      const before = h.chunks.filter((c) => big === undefined || c.at <= big.start);
      const lastChunk = before.at(-1)?.at ?? Number.NaN;
      const row: Record<string, number> = {
        interactive: r.toInteractiveMs,
        editable: r.toEditableMs ?? Number.NaN,
        dataInHand: r.toDataMs,
        'script→fetch': h.fetchAt! - s0,
        'fetch→headers': h.responseAt! - h.fetchAt!,
        'headers→1st chunk': (h.chunks[0]?.at ?? Number.NaN) - h.responseAt!,
        '1st chunk→frame read': lastChunk - (h.chunks[0]?.at ?? Number.NaN),
        chunks: before.length,
        'stream decode (sum)': h.decodeMs,
        'frame read→parse': big ? big.start - lastChunk : Number.NaN,
        'JSON.parse': big ? big.end - big.start : Number.NaN,
        'parse→data in hand': big ? dataAt - big.end : Number.NaN,
        frameChars: big?.chars ?? 0,
      };
      if (i >= variants.length) rows.push(row);
      console.log(
        `${variant} run ${i}${i < variants.length ? ' (warm-up)' : ''}: ${Object.entries(row)
          .map(([k, v]) => `${k}=${v.toFixed(1)}`)
          .join(' ')}`,
      );
    }
    console.log(
      `\nload ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}; medians of ${runs} runs (ms): ${variants.map(([v]) => v.padStart(8)).join('')}`,
    );
    for (const k of Object.keys(byVariant.get('new')![0]!)) {
      const cells = variants.map(([v]) =>
        median(byVariant.get(v)!.map((r) => r[k]!))
          .toFixed(1)
          .padStart(8),
      );
      console.log(`  ${k.padEnd(24)} ${cells.join('')}`);
    }

    if (process.argv.includes('--timeline')) {
      // One traced load: the main thread's tasks from the stream's fetch to data in hand.
      const { context, page } = await benchContext(browser, gateway, bundle, config);
      await context.addInitScript({ content: INSTALL_HOOKS });
      const cdp = await context.newCDPSession(page);
      let r = null as unknown as BenchPageResult;
      let h = null as unknown as Hooks;
      const events = await trace(cdp, async () => {
        await loadBenchPage(page, gateway);
        [r, h] = (await page.evaluate(() => {
          const w = window as unknown as { __benchResult: unknown; __probe: unknown };
          return [w.__benchResult, w.__probe];
        })) as [BenchPageResult, Hooks];
      });
      await context.close();
      const mark = events.find((e) => e.name === 'probe:script-start');
      if (mark) {
        const s0 = h.configReadAt!;
        const t = (ms: number) => mark.ts + (ms - s0) * 1000;
        console.log(
          `\n=== main thread, script start → data in hand (${r.toDataMs.toFixed(0)} ms; fetch +${(h.fetchAt! - s0).toFixed(0)}, headers +${(h.responseAt! - s0).toFixed(0)}, chunks ${h.chunks.map((c) => `+${(c.at - s0).toFixed(0)}`).join(' ')}):`,
        );
        console.log(taskLines(events as never, t(s0), t(s0 + r.toDataMs)).join('\n'));
      }
    }

    if (cpu) {
      const { context, page, cdp } = await openProfiledPage(browser, gateway, config, INSTALL_HOOKS);
      await cdp.send('Profiler.start');
      await loadBenchPage(page, gateway);
      const { profile } = (await cdp.send('Profiler.stop')) as unknown as {
        profile: Parameters<typeof summarizeProfile>[0] & { startTime: number; endTime: number };
      };
      const r = await page.evaluate(() => (window as unknown as { __benchResult: unknown }).__benchResult);
      await context.close();
      const { self, inclusive } = summarizeProfile(profile);
      const top = (m: Map<string, number>, n: number) => topTimes(m, n);
      console.log(`\n=== cpu profile whole load (unminified): ${JSON.stringify(r)}`);
      console.log(`--- self\n${top(self, 25)}\n--- inclusive\n${top(inclusive, 35)}`);
    }
  });
}

if (process.argv[1]?.endsWith('profileEaselReady.ts')) await main();
