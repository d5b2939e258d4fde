import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { type HostTab, type OpenHostOptions, openHost } from './hostPage.ts';
import { launchChromium } from './launchChromium.ts';

/** One Chromium for a test file, and the host tabs the file opened through it. */
export interface HostBrowser {
  /** The gateway the tabs open on. */
  readonly baseUrl: string;
  /** The browser (launched in `beforeAll`: read it only inside tests and hooks). */
  readonly browser: Browser;
  /** Opens the host on `baseUrl` ({@link openHost}); the tab is closed after the file's tests. */
  open(options: OpenHostOptions): Promise<HostTab>;
}

/**
 * Registers `beforeAll`/`afterAll` in the calling test file: Chromium is launched before its tests;
 * after them every tab opened with `open` is closed, then the browser. `baseUrl` defaults to the
 * shared `easel dev` of `globalSetup.ts`.
 */
export function useHostBrowser(baseUrl: string = inject('easelUrl')): HostBrowser {
  let browser: Browser | undefined;
  const tabs: HostTab[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const tab of tabs) await tab.context.close().catch(() => undefined);
    await browser?.close();
  });
  const launched = (): Browser => {
    if (!browser) throw new Error('useHostBrowser: the browser is launched in beforeAll');
    return browser;
  };
  return {
    baseUrl,
    get browser() {
      return launched();
    },
    open: async (options) => {
      const tab = await openHost(launched(), baseUrl, options);
      tabs.push(tab);
      return tab;
    },
  };
}
