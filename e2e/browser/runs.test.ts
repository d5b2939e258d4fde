import { describe, expect, it } from 'vitest';
import { useHostBrowser } from './support/hostBrowser.ts';
import { saveScreenshot } from './support/screenshots.ts';

const host = useHostBrowser();

describe('[CONTRACT 10] an agent run started from the run console, followed live', () => {
  it('a director starts a run; the lens follows it to the whiteboard; it is recorded with its verdict, and a collaborator sees it', async () => {
    const dana = await host.open({ actor: 'director', flow: 'console', canvas: 'console-runs' });
    const page = dana.page;
    const goal = `count the shapes ${Date.now()}`;
    await page.getByTestId('run-goal').fill(goal);
    await page.getByTestId('run-start').click();
    // The run works on the flow's agent canvas: the console follows it there while it runs.
    const tab = (name: string) => page.locator('.ez-switcher__tab', { hasText: name });
    await page.waitForFunction(
      () =>
        document.querySelector('.ez-switcher__tab[aria-selected="true"]')?.textContent === 'Whiteboard' ||
        document.querySelector('.easel-run-record-status')?.textContent?.match(/^(pass|fail|stopped)$/) !== null,
      null,
      { timeout: 30_000 },
    );
    // Back on the run console once the run has ended: recorded, followed, with its verdict.
    const entry = page.locator('.easel-run-list li', { hasText: goal });
    await expect
      .poll(
        async () => {
          if ((await tab('Runs').getAttribute('aria-selected')) !== 'true') await tab('Runs').click();
          return (
            (await entry
              .locator('.easel-run-record-status')
              .textContent()
              .catch(() => null)) ?? ''
          );
        },
        { timeout: 90_000, interval: 1_000 },
      )
      .toMatch(/^(pass|fail|stopped)$/);
    expect(await entry.getByRole('button').getAttribute('aria-pressed')).toBe('true');
    // The live feed lists the run's events readably: the agent's long actor id ("run:<id>") no
    // longer squeezes the summary to nothing and runs past the panel.
    const runRows = page.locator('[data-testid="realtime-entry"][data-type="run_event"]');
    await runRows.first().waitFor({ timeout: 15_000 });
    const feed = await page.locator('.ez-feed__list').evaluate((list) => ({
      overflow: list.scrollWidth - list.clientWidth,
      summaries: [...list.querySelectorAll<HTMLElement>('[data-type="run_event"] .ez-feed__summary')].map(
        (s) => s.getBoundingClientRect().width,
      ),
    }));
    expect(feed.overflow).toBeLessThanOrEqual(0);
    expect(Math.min(...feed.summaries)).toBeGreaterThan(60);
    const runId = (await entry.getAttribute('data-testid'))!.slice('run-'.length);
    // A collaborator's page shows the recorded run with its verdict.
    const pat = await host.open({ actor: 'planner', flow: 'console', canvas: 'console-runs' });
    const seen = pat.page.getByTestId(`run-${runId}`);
    await seen.waitFor({ timeout: 20_000 });
    expect(await seen.textContent()).toContain(goal);
    expect(await seen.locator('.easel-run-record-status').textContent()).toMatch(/^(pass|fail|stopped)$/);
    await saveScreenshot(page, 'run-console-run');
    expect(dana.errors).toEqual([]);
    expect(pat.errors).toEqual([]);
  }, 150_000);

  it('a viewer is offered no start', async () => {
    const vic = await host.open({ actor: 'viewer', flow: 'console', canvas: 'console-runs' });
    await vic.page.locator('.easel-run-console-canvas').waitFor({ timeout: 20_000 });
    expect(await vic.page.getByTestId('run-start').count()).toBe(0);
  });
});
