import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/DevGateway.ts';
import { launchChromium } from './support/launchChromium.ts';
import { saveScreenshot } from './support/screenshots.ts';
import { serveStatic } from './support/serveStatic.ts';

const STATIC = path.join(REPO_ROOT, 'stories/storybook-static');
let browser: Browser;
let server: { url: string; close: () => Promise<void> };

beforeAll(async () => {
  // scripts/test-all.sh builds Storybook first; build here when run alone.
  if (!existsSync(path.join(STATIC, 'index.json'))) {
    const run = spawnSync('pnpm', ['--filter', '@easel/stories', 'run', 'build'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 170_000,
      env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1' },
    });
    if (run.status !== 0) throw new Error(`storybook build failed:\n${(run.stdout + run.stderr).slice(-3000)}`);
  }
  server = await serveStatic(STATIC);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Stories and what each must show once its recording has replayed (and its play function ran). */
const STORIES: Array<{ id: string; shows: string }> = [
  { id: 'templates-studio--settled', shows: '[data-template="studio"] [data-testid^="note-"]' },
  { id: 'templates-split--board-and-doc', shows: '[data-template="split"] [data-testid="doc-text"]' },
  { id: 'templates-console--settled', shows: '[data-template="console"] #plugin-inspector [data-plugin]' },
  { id: 'surfaces-chatrail--streamed-turn', shows: '[data-testid="commit-outcome"]' },
  { id: 'surfaces-toppill--with-presence', shows: '[data-testid^="presence-avatar-"]' },
  { id: 'surfaces-toolpop--board-tools', shows: '[data-testid="tool-add-note"]' },
  { id: 'surfaces-tokenpanel--director', shows: '[data-testid="token-director.secret"]' },
  { id: 'surfaces-tokenpanel--planner-refused', shows: '[data-testid="token-error"]' },
  { id: 'surfaces-contextpanel--board', shows: '.ez-panel' },
  { id: 'surfaces-realtimeoverlay--job-timeline', shows: '[data-testid="realtime-entry"]' },
  { id: 'surfaces-progressbar--recorded-job', shows: '#progress-bar[aria-valuenow="100"]' },
  { id: 'surfaces-plugininspector--plugins', shows: '#plugin-inspector [data-plugin="canvas-stats"]' },
  { id: 'surfaces-jobcontrols--controls', shows: '#device-selector' },
  { id: 'canvases-board--empty', shows: '[data-testid="add-note"]' },
  { id: 'canvases-board--full', shows: '[data-testid="note-n-faq"]' },
  { id: 'canvases-board--read-only', shows: '[data-readonly="true"] [data-testid="note-n-goals"]' },
  { id: 'canvases-board--rejected', shows: '[data-testid="rejected-edit"]' },
  { id: 'canvases-whiteboard--shapes', shows: '[data-testid="shape-s-hero"]' },
  { id: 'canvases-doc--brief', shows: '[data-testid="doc-text"]' },
  { id: 'canvases-runconsole--recorded-run', shows: '[data-testid="run-console"]' },
  { id: 'canvases-media--not-permitted', shows: '[data-testid="media-not-permitted"]' },
];

describe('[ISSUE 7] Storybook: every story renders the real components from its recorded stream', () => {
  it('the built Storybook lists a story per template, tool surface and canvas state', async () => {
    const res = await fetch(`${server.url}/index.json`);
    const index = (await res.json()) as { entries: Record<string, unknown> };
    for (const { id } of STORIES) expect(Object.keys(index.entries)).toContain(id);
  });

  it('each story renders what its recording holds, without page errors', { timeout: 180_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const failures: string[] = [];
    try {
      for (const { id, shows } of STORIES) {
        errors.length = 0;
        // `pace: instant`: the whole recording at once (every story has the arg).
        await page.goto(`${server.url}/iframe.html?id=${id}&viewMode=story&args=pace:instant`, {
          waitUntil: 'load',
          timeout: 30_000,
        });
        const found = await page
          .locator(shows)
          .first()
          .waitFor({ timeout: 10_000 })
          .then(() => true)
          .catch(() => false);
        if (!found) failures.push(`${id}: ${shows} never appeared`);
        if (errors.length > 0) failures.push(`${id}: page errors ${errors.join('; ').slice(0, 500)}`);
        if (id.startsWith('templates-')) await saveScreenshot(page, `story-${id}`);
      }
    } finally {
      await context.close();
    }
    expect(failures).toEqual([]);
  });
});
