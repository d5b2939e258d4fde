import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useHostBrowser } from './support/hostBrowser.ts';
import { saveScreenshot } from './support/screenshots.ts';

const host = useHostBrowser();

/** The host's bundled flows and the harness template each one uses (host/flows/*.json). */
const FLOWS = [
  { flow: 'demo', template: 'studio', surfaces: ['chat-input', 'connection-status', 'token-plan.title', 'add-note'] },
  { flow: 'split', template: 'split', surfaces: ['connection-status', 'add-note', 'doc-text'] },
  {
    flow: 'console',
    template: 'console',
    surfaces: ['connection-status', 'device-selector', 'fps-slider', 'job-start'],
  },
] as const;

/**
 * Panels whose content runs out of their box without scrolling (it would show under the next
 * panel): a panel squeezed by its column, as the studio's context panel was. Named by title.
 */
async function spilledPanels(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.ez-panel')]
      .filter((panel) => {
        const style = getComputedStyle(panel);
        const clips = style.overflowY !== 'visible';
        return !clips && panel.scrollHeight > panel.clientHeight + 1;
      })
      .map((panel) => panel.querySelector('.ez-panel__title')?.textContent ?? panel.className),
  );
}

describe('[ISSUE 7] harness templates in the host app (screenshots saved by the run)', () => {
  for (const { flow, template, surfaces } of FLOWS) {
    it(`${template} (flow ${flow}) renders its surfaces live, with no page errors`, async () => {
      const tab = await host.open({ actor: 'director', flow });
      await tab.page.locator(`[data-template="${template}"]`).waitFor({ timeout: 20_000 });
      for (const id of surfaces) await tab.page.getByTestId(id).first().waitFor({ timeout: 20_000 });
      expect(await tab.page.getByTestId('connection-status').first().textContent()).toBe('open');
      expect(await spilledPanels(tab.page)).toEqual([]);
      // A phone-wide window: one column, nothing wider than the page (no sideways scrolling).
      await tab.page.setViewportSize({ width: 420, height: 900 });
      await tab.page.waitForFunction(() => document.documentElement.scrollWidth <= window.innerWidth, null, {
        timeout: 5_000,
      });
      await tab.page.setViewportSize({ width: 1400, height: 900 });
      const file = await saveScreenshot(tab.page, `template-${template}`);
      expect(file).toMatch(/template-.*\.png$/);
      expect(tab.errors).toEqual([]);
      await tab.context.close();
    });
  }
});

describe('[ISSUE 7] the studio toolbar (ToolPop) runs every manifest tool of the canvas', () => {
  it('Add note adds a note, Add shape a shape, Commit says it went through (state tools were sent as {} and refused)', async () => {
    const tab = await host.open({ actor: 'director', flow: 'demo', viewport: { width: 1280, height: 800 } });
    const page = tab.page;
    const notes = page.locator('[data-testid^="note-"]');
    await page.getByTestId('add-note').waitFor({ timeout: 20_000 });
    const before = await notes.count();
    await page.getByTestId('tool-add-note').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid^="note-"]').length === n + 1, before, {
      timeout: 15_000,
    });
    const outcome = page.getByTestId('tool-outcome');
    await expect.poll(() => outcome.textContent(), { timeout: 10_000 }).toMatch(/^Add note: done \(revision \d+\)\.$/);
    await page.getByTestId('tool-commit').click();
    await expect.poll(() => outcome.textContent(), { timeout: 10_000 }).toMatch(/^Commit: done \(revision \d+\)\.$/);
    expect(await page.getByTestId('rejected-edit').count()).toBe(0);

    await page.getByTestId('canvas-tab-demo-whiteboard').click();
    const shapes = page.locator('[data-testid^="shape-"]');
    await page.getByTestId('tool-add-shape').waitFor({ timeout: 20_000 });
    const shapesBefore = await shapes.count();
    await page.getByTestId('tool-add-shape').click();
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid^="shape-"]').length === n + 1,
      shapesBefore,
      { timeout: 15_000 },
    );
    await saveScreenshot(page, 'studio-toolpop');
    expect(await page.getByTestId('rejected-edit').count()).toBe(0);
    expect(tab.errors).toEqual([]);
  });
});

describe('[ISSUE 7] keyboard: switching canvases keeps the focus where it was', () => {
  it('Enter on a switcher tab shows that canvas and leaves the focus on the tab (it fell to the page)', async () => {
    const tab = await host.open({ actor: 'director', flow: 'demo', viewport: { width: 1280, height: 800 } });
    const page = tab.page;
    await page.getByTestId('add-note').waitFor({ timeout: 20_000 });
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
    await page.getByTestId('canvas-tab-demo-whiteboard').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('tool-add-shape').waitFor({ timeout: 20_000 });
    expect(await focused()).toBe('canvas-tab-demo-whiteboard');
    // Shift+Tab reaches the board's tab; Enter, and the focus stays there too.
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('canvas-tab-demo-board');
    await page.keyboard.press('Enter');
    await page.getByTestId('add-note').waitFor({ timeout: 20_000 });
    expect(await focused()).toBe('canvas-tab-demo-board');
    expect(tab.errors).toEqual([]);
  });
});
