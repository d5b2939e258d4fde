import { describe, expect, it } from 'vitest';
import { useHostBrowser } from './support/hostBrowser.ts';
import type { HostTab } from './support/hostPage.ts';
import { saveScreenshot } from './support/screenshots.ts';

const host = useHostBrowser();

/** The `ok` count the inspector shows for a plugin (`<n> ok · <m> failed`). */
async function okCount(tab: HostTab, plugin: string): Promise<number> {
  const text = await tab.page.locator(`#plugin-inspector [data-plugin="${plugin}"] .ez-plugin__counts`).textContent();
  const m = /(\d+) ok/.exec(text ?? '');
  return m ? Number(m[1]) : -1;
}

describe('[CONTRACT 9] a job in the browser: #progress-bar moves, #plugin-inspector shows it', () => {
  it('job controls start a real job on the plugin host; progress and the plugin’s timing and counts show', async () => {
    const tab = await host.open({ actor: 'director', flow: 'console', canvas: 'console-whiteboard' });
    const page = tab.page;
    // The canvas the URL names is the one shown (and the one the job reads).
    const selectedTab = page.locator('.ez-switcher__tab[aria-selected="true"]');
    await selectedTab.waitFor({ timeout: 20_000 });
    expect(await selectedTab.textContent()).toBe('Whiteboard');
    for (const id of [
      '#device-selector',
      '#fps-slider',
      '#toggle-canvas-stats',
      '#progress-bar',
      '#plugin-inspector',
    ]) {
      await page.locator(id).first().waitFor({ timeout: 20_000 });
    }
    await page.locator('#plugin-inspector [data-plugin="canvas-stats"]').waitFor({ timeout: 20_000 });
    // A role that may run jobs gets settings it can change (a viewer's are read-only).
    for (const id of ['#device-selector', '#fps-slider', '#toggle-canvas-stats']) {
      expect(await page.locator(id).getAttribute('aria-disabled')).toBeNull();
    }
    const okBefore = await okCount(tab, 'canvas-stats');
    expect(await page.locator('#progress-bar').getAttribute('aria-valuenow')).toBe('0');

    // Record every value the bar takes (attribute changes), then start the job like a person.
    await page.evaluate(() => {
      const bar = document.getElementById('progress-bar')!;
      const seen: Array<{ now: string | null; text: string | null }> = [];
      (window as unknown as { __progress: typeof seen }).__progress = seen;
      new MutationObserver(() =>
        seen.push({ now: bar.getAttribute('aria-valuenow'), text: bar.getAttribute('aria-valuetext') }),
      ).observe(bar, { attributes: true, attributeFilter: ['aria-valuenow', 'aria-valuetext'] });
    });
    if (!(await page.locator('#toggle-canvas-stats').isChecked())) await page.locator('#toggle-canvas-stats').check();
    await page.locator('#device-selector').selectOption('cpu');
    await page.getByTestId('job-start').click();

    await page
      .waitForFunction(
        () =>
          /succeeded|completed/i.test(document.getElementById('progress-bar')?.getAttribute('aria-valuetext') ?? ''),
        null,
        { timeout: 30_000, polling: 100 },
      )
      .catch(async (error: unknown) => {
        await saveScreenshot(page, 'jobs-console-timeout');
        const seen = await page.evaluate(() =>
          JSON.stringify((window as unknown as { __progress: unknown }).__progress),
        );
        throw new Error(`${String(error)}; progress seen: ${seen}`);
      });
    const seen = await page.evaluate(
      () => (window as unknown as { __progress: Array<{ now: string | null; text: string | null }> }).__progress,
    );
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.some((s) => Number(s.now) > 0)).toBe(true);
    expect(await page.locator('#progress-bar').getAttribute('aria-valuenow')).toBe('100');

    // The inspector: the job's timing for the plugin, and its success count went up (the list is
    // reloaded when the job ends: no Refresh needed).
    await page.getByTestId('plugin-timing-canvas-stats').waitFor({ timeout: 15_000 });
    await page.waitForFunction(
      (before) => {
        const text = document.querySelector('#plugin-inspector [data-plugin="canvas-stats"] .ez-plugin__counts');
        const m = /(\d+) ok/.exec(text?.textContent ?? '');
        return m !== null && Number(m[1]) > before;
      },
      okBefore,
      { timeout: 15_000 },
    );
    expect(await okCount(tab, 'canvas-stats')).toBeGreaterThan(okBefore);
    // The live feed shows the job's events.
    await page.locator('[data-testid="realtime-entry"]', { hasText: /job/i }).first().waitFor({ timeout: 15_000 });
    await saveScreenshot(page, 'jobs-console-after-job');
    expect(tab.errors).toEqual([]);
  });

  it("the whiteboard's Thumbnail tool runs the whiteboard-thumbnail plugin as a job and shows the PNG it stored", async () => {
    const tab = await host.open({ actor: 'director', flow: 'demo', canvas: 'demo-whiteboard' });
    const page = tab.page;
    await page.getByTestId('add-shape').click();
    await page.locator('[data-testid^="shape-"]').first().waitFor({ timeout: 15_000 });
    const jobAnswers: Array<{ status: number; device: unknown }> = [];
    page.on('response', async (response) => {
      const url = new URL(response.url());
      if (response.request().method() !== 'POST' || url.pathname !== '/v1/jobs') return;
      const body = (await response.json().catch(() => ({}))) as { device_requested?: unknown };
      jobAnswers.push({ status: response.status(), device: body.device_requested });
    });
    await page.getByTestId('thumbnail').click();
    const status = page.getByTestId('thumbnail-status');
    await page.waitForFunction(
      () =>
        /requested|saved|failed/i.test(document.querySelector('[data-testid="thumbnail-status"]')?.textContent ?? ''),
      null,
      { timeout: 30_000 },
    );
    expect(await status.textContent()).toMatch(/^Thumbnail saved \(image\/png, [\d.]+ (B|KB)\)$/);
    expect(jobAnswers).toEqual([{ status: 202, device: 'cpu' }]);
    // The PNG the plugin rendered, kept as a sidecar and opened from S3 (presigned GET).
    const image = page.getByTestId('thumbnail-preview').getByRole('img', { name: 'Whiteboard thumbnail' });
    await image.waitFor({ timeout: 15_000 });
    await page.waitForFunction(
      () => {
        const img = document.querySelector<HTMLImageElement>('[data-testid="thumbnail-preview"] img');
        return img?.complete === true && img.naturalWidth > 0;
      },
      null,
      { timeout: 15_000 },
    );
    expect(await image.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([320, 240]);
    await saveScreenshot(page, 'whiteboard-thumbnail');
    expect(await page.getByTestId('rejected-edit').count()).toBe(0);
    expect(tab.errors).toEqual([]);
  });
});
