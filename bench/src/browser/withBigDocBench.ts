import type { CanvasScope } from '@easel/schemas';
import type { Browser, Page } from 'playwright-core';
import { DevGateway } from '../../../e2e/browser/support/DevGateway.ts';
import { launchChromium } from '../../../e2e/browser/support/launchChromium.ts';
import { scope, seedBigDoc } from './runBrowserBench.ts';

/** Blocks of the seeded `big-doc` canvas (the doc render and first-load profiles). */
export const BIG_DOC_BLOCKS = 10_000;

/** What {@link withBigDocBench} hands its run. */
export interface BigDocBench {
  /** A fresh `easel dev` (temp data dir, port 0). */
  readonly gateway: DevGateway;
  /** Debian's Chromium. */
  readonly browser: Browser;
  /** An admin token (`bench-admin`). */
  readonly admin: string;
  /** How many blocks `big-doc` holds. */
  readonly blocks: number;
  /** The scope of `big-doc`. */
  readonly scope: CanvasScope;
}

/**
 * The start-up the browser profiling scripts share: starts `easel dev` and Chromium, seeds the
 * `big-doc` canvas with `blocks` blocks as an admin, runs `run`, and closes Chromium and the
 * gateway whatever happens.
 */
export async function withBigDocBench<T>(
  run: (bench: BigDocBench) => Promise<T>,
  blocks: number = BIG_DOC_BLOCKS,
): Promise<T> {
  const gateway = await DevGateway.start({ startTimeoutMs: 240_000 });
  try {
    const browser = await launchChromium();
    try {
      const admin = (await gateway.token('bench-admin', ['admin'])).token;
      await seedBigDoc(gateway, admin, blocks);
      return await run({ gateway, browser, admin, blocks, scope: scope('big-doc') });
    } finally {
      await browser.close().catch(() => undefined);
    }
  } finally {
    await gateway.dispose();
  }
}

/** Opens the bench page (its context set up by `benchContext`) and waits, at most 60 s, for its result. */
export async function loadBenchPage(page: Page, gateway: DevGateway): Promise<void> {
  await page.goto(`${gateway.url}/__bench/index.html`, { waitUntil: 'commit', timeout: 30_000 });
  await page.waitForFunction(() => (window as unknown as { __benchResult?: unknown }).__benchResult, null, {
    timeout: 60_000,
    polling: 100,
  });
}

/** The median of `xs` (NaN when empty). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
}
