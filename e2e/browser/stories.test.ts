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
  {
    id: 'surfaces-toolpop--planner-commit-off',
    shows: '[data-testid="tool-commit"]:focus + [data-testid="tool-commit-reason"]',
  },
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

describe('[ISSUE 7] whiteboard cursors in Chromium', () => {
  it("a peer's cursor label is drawn at its screen size however small the whiteboard is laid out", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    try {
      const page = await context.newPage();
      // The console template lays the whiteboard out in a narrow pane (well under its 960-unit view).
      await page.goto(`${server.url}/iframe.html?id=templates-console--settled&viewMode=story&args=pace:instant`, {
        waitUntil: 'load',
        timeout: 30_000,
      });
      const label = page.locator('[data-testid^="wb-cursor-"] text').first();
      await label.waitFor({ timeout: 10_000 });
      const svgWidth = await page.locator('svg.easel-wb-svg').evaluate((el) => el.getBoundingClientRect().width);
      expect(svgWidth).toBeLessThan(700);
      // Its 12 px label, laid out: about 12–16 px tall on screen (it was ≈ 5 px, scaled with the SVG).
      await expect.poll(async () => (await label.boundingBox())?.height ?? 0, { timeout: 5_000 }).toBeGreaterThan(10);
      expect((await label.boundingBox())!.height).toBeLessThan(20);
    } finally {
      await context.close();
    }
  });
});

describe('[ISSUE 7] doc rows in Chromium: light until used, controls that move nothing', () => {
  it('a row opens its text area where it is pressed, shows its controls in its own reserved box (the row below stays put), and Tab walks them', async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    try {
      await page.goto(`${server.url}/iframe.html?id=canvases-doc--brief&viewMode=story&args=pace:instant`, {
        waitUntil: 'load',
        timeout: 30_000,
      });
      const rows = page.locator('.easel-doc-block .easel-lazy-text');
      await rows.nth(2).waitFor({ timeout: 10_000 });
      // Before any use: no row has a <textarea> (only the doc body has one) and no controls.
      expect(await page.locator('.easel-doc-block textarea').count()).toBe(0);
      expect(await page.locator('.easel-doc-block-controls').count()).toBe(0);

      // Hover the second row: its controls appear and the row below does not move.
      const third = page.locator('.easel-doc-block').nth(2);
      const thirdBefore = (await third.boundingBox())!;
      const second = rows.nth(1);
      const box = (await second.boundingBox())!;
      await page.mouse.move(box.x + 5, box.y + box.height / 2);
      await page.locator('.easel-doc-block-controls').first().waitFor({ timeout: 5_000 });
      expect((await third.boundingBox())!.y).toBe(thirdBefore.y);

      // Press after the third character: the text area opens there, focused; typing lands there.
      const text = (await second.textContent()) ?? '';
      expect(text.length).toBeGreaterThan(4);
      const at = await second.evaluate((el) => {
        const range = document.createRange();
        range.setStart(el.firstChild!, 3);
        range.setEnd(el.firstChild!, 4);
        const r = range.getBoundingClientRect();
        return { x: r.left + 1, y: r.top + r.height / 2 };
      });
      await page.mouse.click(at.x, at.y);
      const area = page.locator('.easel-doc-block textarea');
      await area.waitFor({ timeout: 5_000 });
      expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
      await page.keyboard.type('X');
      expect(await area.inputValue()).toBe(`${text.slice(0, 3)}X${text.slice(3)}`);

      // Tab: kind, ↑ (Move up), ↓ (Move down), ✕ (Delete) of this row, then the next row's text, opened and focused.
      const names: string[] = [];
      for (let i = 0; i < 5; i++) {
        await page.keyboard.press('Tab');
        names.push(await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? ''));
      }
      expect(names.slice(0, 4).map((n) => n.split(' ')[0])).toEqual(['Kind', 'Move', 'Move', 'Delete']);
      expect(names[4]).toMatch(/^Text of .* block 3$/);
      expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA');
      await saveScreenshot(page, 'doc-rows-open');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
