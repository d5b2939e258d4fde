import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_BOARD_SCOPE, DevGateway, mintDevToken } from './support/DevGateway.ts';
import { type HostTab, openHost } from './support/hostPage.ts';
import { launchChromium } from './support/launchChromium.ts';
import { saveScreenshot } from './support/screenshots.ts';

/** Notes put in the board's "todo" column: more than a column renders whole (100), so it is windowed. */
const COUNT = 150;

let gateway: DevGateway;
let browser: Browser;
const tabs: HostTab[] = [];

beforeAll(async () => {
  // Its own gateway: a column of 150 notes on the shared demo board would change the other files' views.
  gateway = await DevGateway.start({ startTimeoutMs: 120_000 });
  browser = await launchChromium();
  const { token } = await mintDevToken(gateway.url, 'dana-director', ['director']);
  const ops = Array.from({ length: COUNT }, (_, i) => ({
    op: 'insert',
    root: 'notes',
    key: `w${i}`,
    value: { text: `windowed note ${i}`, column: 'todo', order: 1000 + i },
  }));
  const res = await fetch(`${gateway.url}/v1/commands`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      command_id: 'seed-windowed-column',
      type: 'state.ops',
      scope: DEMO_BOARD_SCOPE,
      payload: { ops },
    }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
});

afterAll(async () => {
  for (const tab of tabs) await tab.context.close().catch(() => undefined);
  await browser?.close();
  await gateway?.dispose();
});

/** The todo column's rendered cards that are Tab stops, and the focused element's test id. */
function column(page: Page): Promise<{ rendered: number; stops: string[]; active: string | null }> {
  return page.evaluate(() => {
    const cards = [...document.querySelectorAll<HTMLElement>('[data-testid="column-todo"] .easel-board-note')];
    return {
      rendered: cards.length,
      stops: cards.filter((card) => card.tabIndex === 0).map((card) => card.dataset.testid ?? ''),
      active: (document.activeElement as HTMLElement | null)?.dataset?.testid ?? null,
    };
  });
}

describe('board keyboard in a windowed column (150 notes): one Tab stop, arrows to every note', () => {
  it('the list scrolls to its last note; End reaches it; scrolled back with focus elsewhere, Tab still lands on it', async () => {
    const tab = await openHost(browser, gateway.url, {
      actor: 'director',
      flow: 'demo',
      canvas: 'demo-board',
      viewport: { width: 1400, height: 900 },
    });
    tabs.push(tab);
    const page = tab.page;
    const list = page.locator('[data-testid="column-todo"] ul[data-windowed="true"]');
    await list.waitFor({ timeout: 20_000 });
    const first = await column(page);
    expect(first.rendered).toBeLessThan(COUNT);
    expect(first.stops).toEqual(['note-w0']);

    // The spacers keep their height in the host's flex list: scrolled to the end, the last note shows.
    await list.evaluate((ul) => {
      ul.scrollTop = ul.scrollHeight;
    });
    await page.getByTestId('note-w149').waitFor({ timeout: 5_000 });
    await list.evaluate((ul) => {
      ul.scrollTop = 0;
    });
    await page.getByTestId('note-w1').waitFor({ timeout: 5_000 });

    // End on the first note: the last note takes focus and becomes the column's Tab stop.
    await page.getByTestId('note-w0').focus();
    await page.keyboard.press('End');
    await expect.poll(async () => (await column(page)).active, { timeout: 5_000 }).toBe('note-w149');
    expect((await column(page)).stops).toEqual(['note-w149']);

    // Focus leaves the column and the column is scrolled back to its top: its Tab stop is still there.
    await page.getByRole('textbox', { name: 'New note' }).focus();
    await list.evaluate((ul) => {
      ul.scrollTop = 0;
    });
    await page.getByTestId('note-w1').waitFor({ timeout: 5_000 });
    expect((await column(page)).stops).toEqual(['note-w149']);

    // Tab from the column's heading lands on it; Up goes on to the note before.
    await page.locator('[data-testid="column-todo"] h3').click();
    await page.keyboard.press('Tab');
    expect((await column(page)).active).toBe('note-w149');
    await page.keyboard.press('ArrowUp');
    await expect.poll(async () => (await column(page)).active, { timeout: 5_000 }).toBe('note-w148');
    expect((await column(page)).stops).toEqual(['note-w148']);
    await saveScreenshot(page, 'board-windowed-column');
    expect(tab.errors).toEqual([]);
  });
});
