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
