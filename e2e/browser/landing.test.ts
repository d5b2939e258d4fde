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
    expect(await page.title()).toBe('Choose a flow · Easel');
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
    // The tab names the flow and who you are (two tabs as two actors are told apart).
    expect(await page.title()).toBe('Plan and write — Pat (planner) · Easel');
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

  it('a link naming a canvas the flow does not have opens the first one with a note; picking a canvas removes it', async () => {
    const context = await host.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${host.baseUrl}/?actor=director&flow=demo&canvas=nope`, { waitUntil: 'domcontentloaded' });
    const note = page.getByTestId('host-unknown-canvas-note');
    await note.waitFor({ timeout: 20_000 });
    expect(await note.getAttribute('role')).toBe('alert');
    expect(await note.textContent()).toContain('There is no canvas “nope” in this flow');
    expect(await note.textContent()).toContain('(demo-board)');
    expect(await page.getByTestId('canvas-tab-demo-board').getAttribute('aria-selected')).toBe('true');

    await page.getByTestId('canvas-tab-demo-whiteboard').click();
    await note.waitFor({ state: 'detached', timeout: 10_000 });
    expect(new URL(page.url()).searchParams.get('canvas')).toBe('demo-whiteboard');
    await context.close();
  });

  it('the actor menu works from the keyboard: arrows move between items, Escape returns focus to its button, and so does “Become …”', async () => {
    const { page } = await host.open({ actor: 'director', flow: 'demo' });
    const active = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid ?? null);
    await page.getByTestId('host-actor').focus();
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('host-actor').getAttribute('aria-expanded')).toBe('true');
    expect(await active()).toBe('host-open-planner');
    await page.keyboard.press('ArrowDown');
    expect(await active()).toBe('host-open-viewer');
    await page.keyboard.press('End');
    expect(await active()).toBe('host-switch-agent');
    await page.keyboard.press('Escape');
    await page.getByRole('menu').waitFor({ state: 'detached', timeout: 5_000 });
    expect(await active()).toBe('host-actor');
    expect(await page.getByTestId('host-actor').getAttribute('aria-expanded')).toBe('false');

    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    expect(await active()).toBe('host-switch-viewer');
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="host-session"][data-actor="viewer"]').waitFor({ timeout: 20_000 });
    await waitForStatus(page, 'open', 20_000);
    expect(await active()).toBe('host-actor');
    expect(await page.getByTestId('host-actor').getAttribute('data-actor')).toBe('viewer');
  });
});
