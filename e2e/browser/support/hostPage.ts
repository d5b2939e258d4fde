import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';

/** The host app's actors (`?actor=`), as `host/src/actors/actors.ts` defines them. */
export type HostActor = 'director' | 'planner' | 'viewer' | 'agent';

/** The `sub` each actor's dev token carries (what presence and cursors are keyed by). */
export const ACTOR_SUBS: Readonly<Record<HostActor, string>> = {
  director: 'dana-director',
  planner: 'pat-planner',
  viewer: 'vic-viewer',
  agent: 'ada-agent',
};

/** One person in one browser context (a tab with its own storage), on the host app. */
export interface HostTab {
  context: BrowserContext;
  page: Page;
  /** Browser errors the page threw (asserted empty by tests that care). */
  errors: string[];
}

/** Options of {@link openHost}. */
export interface OpenHostOptions {
  actor: HostActor;
  flow: string;
  /** `?canvas=`: the canvas in focus. */
  canvas?: string;
  /** `?user=`: another person with the same role. */
  user?: string;
  viewport?: { width: number; height: number };
  /** Runs on the new page before it navigates (e.g. to attach a network tap). */
  beforeGoto?: (page: Page) => Promise<void>;
}

/** The host URL for an actor and a flow (`/?actor=&flow=`, UI-NOTES). */
export function hostUrl(baseUrl: string, options: OpenHostOptions): string {
  const params = new URLSearchParams({ actor: options.actor, flow: options.flow });
  if (options.canvas) params.set('canvas', options.canvas);
  if (options.user) params.set('user', options.user);
  return `${baseUrl}/?${params}`;
}

/** Opens the host in a fresh browser context and waits until the canvas stream is open. */
export async function openHost(browser: Browser, baseUrl: string, options: OpenHostOptions): Promise<HostTab> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  await options.beforeGoto?.(page);
  await page.goto(hostUrl(baseUrl, options), { waitUntil: 'domcontentloaded', timeout: 30_000 });
  await waitForStatus(page, 'open', 30_000);
  return { context, page, errors };
}

/** The first `connection-status` (the top pill's: the focused canvas's stream). */
export function connectionStatus(page: Page): Locator {
  return page.getByTestId('connection-status').first();
}

/** Waits until the top pill's connection status reads `status` (a ConnectionStatus). */
export async function waitForStatus(page: Page, status: string, timeoutMs: number): Promise<void> {
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid="connection-status"]')?.textContent?.trim() === want,
    status,
    { timeout: timeoutMs, polling: 100 },
  );
}

/** Adds a board note through the board's own form (what a person does). */
export async function addBoardNote(page: Page, text: string): Promise<void> {
  const form = page.getByRole('form', { name: 'Add a note' });
  await form.getByRole('textbox').fill(text);
  await form.getByTestId('add-note').click();
}

/** The board's note cards (`note-<id>`). */
export function boardNotes(page: Page): Locator {
  return page.locator('[data-testid^="note-"]');
}
