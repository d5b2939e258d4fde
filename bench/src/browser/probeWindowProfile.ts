/**
 * Issue 7: a CPU profile of one bench page load restricted to a window of its own clock: from the
 * page script's start to data in hand, and from data in hand to interactive (mode from argv[2]).
 *
 *   pnpm exec tsx bench/src/browser/probeWindowProfile.ts [easel|json] [loads]
 */
import type { BenchPageConfig, BenchPageResult } from './page/BenchPageConfig.ts';
import { openProfiledPage, trace } from './profileDocRender.ts';
import { summarizeProfile, topTimes } from './profileSnapshot.ts';
import { loadBenchPage, withBigDocBench } from './withBigDocBench.ts';

const HOOKS = `(() => {
  let config = window.__EASEL_BENCH__;
  Object.defineProperty(window, '__EASEL_BENCH__', { configurable: true,
    get() { if (!window.__probeStart) { window.__probeStart = performance.now(); performance.mark('probe:script-start'); } return config; },
    set(v) { config = v; } });
})();`;

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function windowed(p: Profile, from: number, to: number): Profile {
  const samples: number[] = [];
  const timeDeltas: number[] = [0];
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i]!;
    const dt = p.timeDeltas[i + 1] ?? 0;
    if (t >= from && t < to) {
      samples.push(p.samples[i]!);
      timeDeltas.push(dt);
    }
  }
  return { ...p, samples, timeDeltas };
}

const mode = (process.argv[2] ?? 'easel') as BenchPageConfig['mode'];
const loads = Number(process.argv[3] ?? 2);
await withBigDocBench(async ({ gateway, browser, admin, blocks, scope }) => {
  const config: BenchPageConfig = { mode, baseUrl: gateway.url, token: admin, scope, expectBlocks: blocks };
  for (let i = 0; i < loads; i++) {
    const { context, page, cdp } = await openProfiledPage(browser, gateway, config, HOOKS);
    let profile = null as unknown as Profile;
    let r = null as unknown as BenchPageResult;
    const events = await trace(cdp, async () => {
      await cdp.send('Profiler.start');
      await loadBenchPage(page, gateway);
      profile = (await cdp.send('Profiler.stop')).profile as unknown as Profile;
      r = (await page.evaluate(
        () => (window as unknown as { __benchResult: unknown }).__benchResult,
      )) as BenchPageResult;
    });
    await context.close();
    const mark = events.find((e) => e.name === 'probe:script-start') as { ts: number } | undefined;
    if (!mark || i === 0) continue;
    console.log(`\n##### load ${i}: ${JSON.stringify(r)}`);
    const windows: [string, number, number][] = [
      ['script start → data in hand', mark.ts, mark.ts + r.toDataMs * 1000],
      ['data in hand → interactive', mark.ts + r.toDataMs * 1000, mark.ts + r.toInteractiveMs * 1000],
    ];
    for (const [name, from, to] of windows) {
      const { self, inclusive } = summarizeProfile(windowed(profile, from, to));
      const comps = new Map(
        [...inclusive].filter(
          ([k]) => /^(use[A-Z]|[A-Z#])/.test(k) || /^(build|start|connect|createRoot|render|harness)/i.test(k),
        ),
      );
      console.log(
        `=== ${name} (${((to - from) / 1000).toFixed(1)} ms)\n--- self\n${topTimes(self, 22)}\n--- inclusive\n${topTimes(inclusive, 40)}\n--- components/app\n${topTimes(comps, 40)}`,
      );
    }
  }
});
