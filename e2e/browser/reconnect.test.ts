import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevGateway, mintDevToken } from './support/DevGateway.ts';
import { addBoardNote, connectionStatus, type HostTab, openHost, waitForStatus } from './support/hostPage.ts';
import { launchChromium } from './support/launchChromium.ts';
import { saveScreenshot } from './support/screenshots.ts';

let gateway: DevGateway;
let browser: Browser;
const tabs: HostTab[] = [];

beforeAll(async () => {
  // Its own gateway: this file kills it.
  gateway = await DevGateway.start({ startTimeoutMs: 120_000 });
  browser = await launchChromium();
});

afterAll(async () => {
  for (const tab of tabs) await tab.context.close().catch(() => undefined);
  await browser?.close();
  await gateway?.dispose();
});

/** The canvas as the gateway has it now (`GET /v1/canvases/{id}`, director token). */
async function serverState(canvasId: string): Promise<{ state: Record<string, unknown> }> {
  const { token } = await mintDevToken(gateway.url, 'dana-director', ['director']);
  const scope = new URLSearchParams({
    tenant_id: 'demo',
    project_id: 'demo',
    app_id: 'host',
    surface_id: 'main',
    mode: 'edit',
  });
  const res = await fetch(`${gateway.url}/v1/canvases/${canvasId}?${scope}`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(10_000),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { state: Record<string, unknown> };
}

async function waitForServer(canvasId: string, needle: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (JSON.stringify((await serverState(canvasId)).state).includes(needle)) return;
    if (Date.now() > deadline) throw new Error(`the gateway never had "${needle}" on ${canvasId}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function typeInDoc(tab: HostTab, text: string): Promise<void> {
  const area = tab.page.getByTestId('doc-text');
  await area.click();
  await tab.page.keyboard.press('End');
  await tab.page.keyboard.press('Control+End');
  await area.pressSequentially(text, { delay: 5 });
}

describe('[CONTRACT 8] the gateway killed (SIGKILL) and restarted: the page reconnects and loses no edit', () => {
  it('board notes and doc text from before and during the outage all land, in this tab and a fresh one', async () => {
    const dana = await openHost(browser, gateway.url, { actor: 'director', flow: 'split' });
    tabs.push(dana);
    const page = dana.page;
    await page.getByTestId('add-note').waitFor({ timeout: 20_000 });
    await page.getByTestId('doc-text').waitFor({ timeout: 20_000 });
    const stamp = Date.now().toString(36);

    // Before: acknowledged by the gateway (durable) before the crash.
    await addBoardNote(page, `before ${stamp}`);
    await page.getByText(`before ${stamp}`).waitFor({ timeout: 15_000 });
    await typeInDoc(dana, ` before-${stamp}`);
    await waitForServer('split-doc', `before-${stamp}`, 15_000);

    // The crash: the page notices and says so.
    await gateway.kill9();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="connection-status"]')?.textContent?.trim() !== 'open',
      null,
      { timeout: 20_000, polling: 100 },
    );
    const during = await connectionStatus(page).textContent();
    expect(['reconnecting', 'offline', 'connecting']).toContain((during ?? '').trim());
    // The tab's title says so too (a tab in the background shows it is not live).
    await page.waitForFunction(
      () => /^(Offline|Reconnecting) · Plan and write — Dana \(director\) · Easel$/.test(document.title),
      null,
      {
        timeout: 20_000,
        polling: 100,
      },
    );

    // During: edits made while the gateway is down.
    await addBoardNote(page, `during ${stamp}`);
    await typeInDoc(dana, ` during-${stamp}`);
    await saveScreenshot(page, 'reconnect-during-outage');

    // Back on the same port and data dir: the page reconnects by itself.
    await gateway.restart();
    await waitForStatus(page, 'open', 60_000);
    await page.waitForFunction(() => document.title === 'Plan and write — Dana (director) · Easel', null, {
      timeout: 10_000,
      polling: 100,
    });
    await page
      .getByText(`during ${stamp}`)
      .waitFor({ timeout: 60_000 })
      .catch(async (error: unknown) => {
        await saveScreenshot(page, 'reconnect-edit-missing');
        const shown = await page.locator('[data-testid="rejected-edit"]').allInnerTexts();
        throw new Error(`${String(error)}; refusals shown: ${JSON.stringify(shown)}`);
      });
    await waitForServer('split-board', `during ${stamp}`, 30_000);
    await waitForServer('split-doc', `during-${stamp}`, 30_000);
    const board = JSON.stringify((await serverState('split-board')).state);
    const doc = JSON.stringify((await serverState('split-doc')).state);
    expect(board).toContain(`before ${stamp}`);
    expect(doc).toContain(`before-${stamp}`);
    expect(doc.indexOf(`before-${stamp}`)).toBeLessThan(doc.indexOf(`during-${stamp}`));

    // A fresh tab sees the same.
    const fresh = await openHost(browser, gateway.url, { actor: 'director', flow: 'split', user: 'sam-director' });
    tabs.push(fresh);
    await fresh.page.getByText(`before ${stamp}`).waitFor({ timeout: 20_000 });
    await fresh.page.getByText(`during ${stamp}`).waitFor({ timeout: 20_000 });
    const freshDoc = await fresh.page
      .getByTestId('doc-text')
      .evaluate((el) => (el instanceof HTMLTextAreaElement ? el.value : (el.textContent ?? '')));
    expect(freshDoc).toContain(`before-${stamp}`);
    expect(freshDoc).toContain(`during-${stamp}`);
    expect(await page.getByText(`during ${stamp}`).count()).toBe(1);
    await saveScreenshot(page, 'reconnect-after-restart');
  });
});
