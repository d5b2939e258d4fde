import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from './DevGateway.ts';

/** Where the run saves screenshots (gitignored). */
export const SCREENSHOTS_DIR = path.join(REPO_ROOT, 'e2e/browser/screenshots');

/** Saves a full-page PNG as `e2e/browser/screenshots/<name>.png`; returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const file = path.join(SCREENSHOTS_DIR, `${name.replace(/[^a-z0-9_.-]+/gi, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true, timeout: 15_000 });
  return file;
}
