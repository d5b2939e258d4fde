import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { gzipFiles } from './measureBundles.ts';

/**
 * Loads the host app (`/?actor=director&flow=demo`) in a fresh context and sums the gzip -9 size of
 * every file it fetched from `host/dist` until the page's `load` event plus `settleMs` (lazy chunks
 * the first screen pulls in count; API calls do not).
 */
export async function measureHostFirstLoad(
  browser: Browser,
  baseUrl: string,
  distDir: string,
  settleMs = 1500,
): Promise<{ files: string[]; bytes: number; gzip: number }> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const paths = new Set<string>();
    page.on('request', (req) => {
      const url = new URL(req.url());
      if (url.origin !== new URL(baseUrl).origin || url.pathname.startsWith('/v1/')) return;
      paths.add(url.pathname === '/' ? '/index.html' : url.pathname);
    });
    await page.goto(`${baseUrl}/?actor=director&flow=demo`, { waitUntil: 'load', timeout: 30_000 });
    await page.waitForTimeout(settleMs);
    const files = [...paths].map((p) => path.join(distDir, p)).filter((f) => existsSync(f));
    return { files: files.map((f) => path.relative(distDir, f)).sort(), ...gzipFiles(files) };
  } finally {
    await context.close();
  }
}
