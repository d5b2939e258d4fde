import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type HostTab, openHost } from './support/hostPage.ts';
import { launchChromium } from './support/launchChromium.ts';
import { NetworkTap } from './support/NetworkTap.ts';
import { saveScreenshot } from './support/screenshots.ts';

/** The demo board's director-only token (`easel dev`'s demo policy: planners read `plan.*` only). */
const SECRET_TOKEN = 'director.secret';
/** The start of its declared default (what a planner would read before anyone sets it). */
const SECRET_DEFAULT = 'Launch moves to Thursday';

const baseUrl = inject('easelUrl');
let browser: Browser;
let planner: HostTab;
let director: HostTab;
let tap: NetworkTap;
const stamp = Date.now().toString(36);
const secret = `secret-${stamp}`;
const title = `title-${stamp}`;

/** Everything a person or a script could read off the page: markup, text and every form value. */
async function pageContent(tab: HostTab): Promise<string> {
  return tab.page.evaluate(() => {
    const values = [...document.querySelectorAll('input, textarea, select')].map((e) => (e as HTMLInputElement).value);
    return `${document.documentElement.outerHTML}\n${document.body.textContent}\n${values.join('\n')}`;
  });
}

async function plannerSeesTitle(): Promise<void> {
  await planner.page.waitForFunction(
    (want) => (document.querySelector('[data-testid="token-plan.title"]') as HTMLInputElement | null)?.value === want,
    title,
    { timeout: 20_000 },
  );
}

/** Where on the wire `needle` was seen (URL path of the first response holding it), or null. */
async function seenOnWire(needle: string): Promise<string | null> {
  for (const part of ['/events', '/realtime', '/canvas-types', '/v1/canvases/', '/v1/']) {
    if ((await tap.received(part)).includes(needle)) return part;
  }
  return null;
}

beforeAll(async () => {
  browser = await launchChromium();
  planner = await openHost(browser, baseUrl, {
    actor: 'planner',
    flow: 'demo',
    beforeGoto: async (page) => {
      tap = await NetworkTap.attach(page);
    },
  });
  director = await openHost(browser, baseUrl, { actor: 'director', flow: 'demo' });
  // The director changes the secret token and, as a positive control, a plan.* token.
  const secretInput = director.page.getByTestId(`token-${SECRET_TOKEN}`);
  await secretInput.waitFor({ timeout: 20_000 });
  await secretInput.fill(secret);
  await secretInput.press('Enter');
  const titleInput = director.page.getByTestId('token-plan.title');
  await titleInput.fill(title);
  await titleInput.press('Enter');
  await plannerSeesTitle();
});

afterAll(async () => {
  await tap?.detach();
  for (const tab of [planner, director]) await tab?.context.close().catch(() => undefined);
  await browser?.close();
});

describe('[CONTRACT 6] lens in the browser: a planner never sees a director-only token', () => {
  it('the director’s value never reaches the planner: not in the DOM, not on the wire, live or after a reload', async () => {
    // Positive controls: the director's page shows the value; the planner's tap saw the plan.* change.
    expect((await pageContent(director)).includes(secret)).toBe(true);
    expect(await tap.received('/v1/')).toContain(title);
    expect(await tap.streamBytes()).toBeGreaterThan(0);

    const dom = await pageContent(planner);
    for (const needle of [SECRET_TOKEN, secret, SECRET_DEFAULT]) {
      expect(dom.includes(needle), `planner DOM contains ${needle}`).toBe(false);
    }
    expect(await planner.page.getByTestId(`token-${SECRET_TOKEN}`).count()).toBe(0);
    expect(await seenOnWire(secret), 'the secret value on the planner’s wire').toBeNull();

    // A fresh load (CANVAS_READY snapshot with tokens) leaks nothing either.
    await planner.page.reload({ waitUntil: 'domcontentloaded' });
    await plannerSeesTitle();
    const dom2 = await pageContent(planner);
    for (const needle of [SECRET_TOKEN, secret, SECRET_DEFAULT]) {
      expect(dom2.includes(needle), `planner DOM after reload contains ${needle}`).toBe(false);
    }
    expect(await seenOnWire(secret), 'the secret value on the planner’s wire after reload').toBeNull();
    await saveScreenshot(planner.page, 'lens-planner-tokens');
  });

  it('nor does its declaration or declared default (the manifest a planner receives is lens-filtered)', async () => {
    expect(await seenOnWire(SECRET_TOKEN), `"${SECRET_TOKEN}" on the planner’s wire`).toBeNull();
    expect(await seenOnWire(SECRET_DEFAULT), 'the declared default on the planner’s wire').toBeNull();
  });
});

describe('[CONTRACT 6] lens in the browser: the board’s Columns editor (token board.columns)', () => {
  it('the director gets the Columns control; a planner, who may not change board.columns, does not', async () => {
    await director.page.getByTestId('board-columns-toggle').waitFor({ timeout: 20_000 });
    // The planner's board is writable (notes), so the control is missing for the token's sake.
    await planner.page.getByTestId('add-note').waitFor({ timeout: 20_000 });
    expect(await planner.page.getByTestId('board-columns-toggle').count()).toBe(0);
  });
});
