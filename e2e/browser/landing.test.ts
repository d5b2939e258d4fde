import { describe, expect, it } from 'vitest';
import { useHostBrowser } from './support/hostBrowser.ts';
import { waitForStatus } from './support/hostPage.ts';

const host = useHostBrowser();

describe('[ISSUE 7] the host’s landing page: pick a flow and who you are', () => {
  it('lists the flows and actors; picking a flow then an actor opens that flow, live, as that actor', async () => {
    const context = await host.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(`${host.baseUrl}/`, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('host-actor-picker').waitFor({ timeout: 20_000 });
    const flows = await page
      .locator('[data-testid^="host-flow-"]')
      .evaluateAll((els) => els.map((e) => e.dataset.testid));
    expect(flows.sort()).toEqual(['host-flow-console', 'host-flow-demo', 'host-flow-split']);
    expect(await page.locator('[data-testid^="host-pick-"]').count()).toBe(4);
    expect(await page.getByTestId('host-unknown-actor').count()).toBe(0);

    await page.getByTestId('host-flow-split').click();
    expect(await page.getByTestId('host-flow-split').getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('host-pick-planner').click();
    await page.locator('[data-template="split"]').waitFor({ timeout: 20_000 });
    await waitForStatus(page, 'open', 20_000);
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ actor: 'planner', flow: 'split' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a link naming no actor lands on the picker with a note; one naming no flow shows the flows there are', async () => {
    const context = await host.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${host.baseUrl}/?actor=nobody&flow=demo`, { waitUntil: 'domcontentloaded' });
    const note = page.getByTestId('host-unknown-actor');
    await note.waitFor({ timeout: 20_000 });
    expect(await note.textContent()).toContain('There is no actor “nobody”');
    // The flow of the link stays chosen.
    expect(await page.getByTestId('host-flow-demo').getAttribute('aria-pressed')).toBe('true');

    await page.goto(`${host.baseUrl}/?actor=director&flow=nope`, { waitUntil: 'domcontentloaded' });
    const error = page.getByTestId('host-error');
    await error.waitFor({ timeout: 20_000 });
    expect(await error.textContent()).toContain("no flow named 'nope'");
    await context.close();
  });
});
