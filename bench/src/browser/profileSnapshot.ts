import { DevGateway } from '../../../e2e/browser/support/DevGateway.ts';
import { launchChromium } from '../../../e2e/browser/support/launchChromium.ts';
import { bundlePage } from './bundlePage.ts';
import type { BenchPageConfig } from './page/BenchPageConfig.ts';
import { benchContext, scope, seedBigDoc } from './runBrowserBench.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self and inclusive ms by `function@line`, from a CDP CPU profile. */
export function summarizeProfile(profile: Profile): { self: Map<string, number>; inclusive: Map<string, number> } {
  const selfById = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfById.set(id, (selfById.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  }
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n: ProfileNode) => `${n.callFrame.functionName || '(anon)'}@${n.callFrame.lineNumber}`;
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, ms] of selfById) {
    const node = byId.get(id)!;
    self.set(label(node), (self.get(label(node)) ?? 0) + ms);
    const seen = new Set<string>();
    for (let cur: number | undefined = id, d = 0; cur !== undefined && d < 10_000; cur = parent.get(cur), d++) {
      const l = label(byId.get(cur)!);
      if (seen.has(l)) continue;
      seen.add(l);
      inclusive.set(l, (inclusive.get(l) ?? 0) + ms);
    }
  }
  return { self, inclusive };
}

/** Functions of the data path whose inclusive time is always printed. */
const WATCH = [
  'parse',
  'base64ToBytes',
  'decodeBase64',
  'validateEvent',
  'parseEvent',
  'safeParse',
  'getSnapshot',
  'rootJson',
  'toJSON',
  'projectDoc',
  'readBlocks',
  'encodeStateAsUpdate',
  'applyUpdate',
  'applyProjection',
  'DocCanvas',
  'DocBlockView',
  'WindowedList',
  'CanvasHost',
  'performWorkOnRoot',
  'commitRoot',
  'cleanupTransactions',
  'writeUpdateMessageFromTransaction',
  '#applyReady',
  '#safeApply',
  '#handleFrame',
];

/** The `n` largest entries of `m` (ms by function), one per line, largest first. */
export const topTimes = (m: Map<string, number>, n: number, digits = 1): string =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${v.toFixed(digits).padStart(7)} ms  ${k}`)
    .join('\n');
const top = (m: Map<string, number>, n: number) => topTimes(m, n, 0);

async function main(): Promise<void> {
  const blocks = Number(process.argv[2] ?? 10_000);
  const gateway = await DevGateway.start({ startTimeoutMs: 240_000 });
  const browser = await launchChromium();
  try {
    const admin = (await gateway.token('bench-admin', ['admin'])).token;
    await seedBigDoc(gateway, admin, blocks);
    const bundle = await bundlePage({ minify: false });
    for (const mode of ['easel', 'json'] as const) {
      const config: BenchPageConfig = {
        mode,
        baseUrl: gateway.url,
        token: admin,
        scope: scope('big-doc'),
        expectBlocks: blocks,
      };
      const { context, page } = await benchContext(browser, gateway, bundle, config);
      const cdp = await context.newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
      await cdp.send('Profiler.start');
      await page.goto(`${gateway.url}/__bench/index.html`, { waitUntil: 'commit', timeout: 30_000 });
      await page.waitForFunction(() => (window as unknown as { __benchResult?: unknown }).__benchResult, null, {
        timeout: 200_000,
        polling: 100,
      });
      const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
      const result = await page.evaluate(() => (window as unknown as { __benchResult: unknown }).__benchResult);
      const { self, inclusive } = summarizeProfile(profile);
      console.log(`\n=== ${mode}: ${JSON.stringify(result)}`);
      console.log(`--- self\n${top(self, 25)}\n--- inclusive\n${top(inclusive, 40)}`);
      const watch = new Map([...inclusive].filter(([k]) => WATCH.some((w) => k.startsWith(`${w}@`))));
      console.log(`--- watched (inclusive)\n${top(watch, 40)}`);
      await context.close();
    }
  } finally {
    await browser.close().catch(() => undefined);
    await gateway.dispose();
  }
}

if (process.argv[1]?.endsWith('profileSnapshot.ts')) await main();
