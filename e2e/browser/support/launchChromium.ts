import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium (installed by `.ci/run` when missing); `EASEL_CHROMIUM` overrides. Never downloaded. */
export const CHROMIUM_PATH = process.env.EASEL_CHROMIUM ?? '/usr/bin/chromium';

/** The flags that work on these machines (see ENVIRONMENT.md). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
  // Background tabs must keep painting: the tests and the bench watch two pages at once.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

/** Launches headless Debian Chromium through playwright-core; throws with the install hint when it is missing. */
export async function launchChromium(options: { timeoutMs?: number } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_PATH} not found: apt-get install -y --no-install-recommends chromium (.ci/run does this), or set EASEL_CHROMIUM`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS],
    timeout: options.timeoutMs ?? 30_000,
  });
}
