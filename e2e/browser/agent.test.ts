import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DEMO_BOARD_SCOPE, mintDevToken, REPO_ROOT } from './support/DevGateway.ts';
import { boardNotes } from './support/hostPage.ts';
import { useHostBrowser } from './support/hostBrowser.ts';
import { saveScreenshot } from './support/screenshots.ts';

const host = useHostBrowser();
const { baseUrl } = host;

/** Runs `sdk/transport/examples/chat-agent.ts` (a real agent process); resolves with its exit code and output. */
function runExampleAgent(token: string, scope: object, prompt: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'sdk/transport/examples/chat-agent.ts', baseUrl, token, JSON.stringify(scope), prompt],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('[CONTRACT 10] the agent acting on shared state, seen live in the browser', () => {
  it('the example agent’s turn and commit appear live in a director’s page', async () => {
    const dana = await host.open({ actor: 'director', flow: 'demo' });
    await dana.page.getByTestId('add-note').waitFor({ timeout: 20_000 });
    const before = await boardNotes(dana.page).count();

    const { token } = await mintDevToken(baseUrl, 'ada-agent', ['agent'], { kind: 'agent' });
    const run = await runExampleAgent(token, DEMO_BOARD_SCOPE, 'add three notes about the launch');
    expect(run.code, run.out).toBe(0);
    const last = run.out.trim().split('\n').pop() ?? '';
    const summary = JSON.parse(last) as { turn_id: string; outcome: { status: string }; revision: number };
    expect(summary.outcome.status).toBe('committed');

    // The page shows the agent's turn with its commit outcome, and the notes it added.
    const turn = dana.page.getByTestId(`turn-${summary.turn_id}`);
    await turn.waitFor({ timeout: 20_000 });
    await turn.getByTestId('commit-outcome').waitFor({ timeout: 20_000 });
    await dana.page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid^="note-"]').length >= n + 3,
      before,
      { timeout: 20_000 },
    );
    expect(await turn.getByTestId('commit-outcome').textContent()).toMatch(/revision/i);
    await saveScreenshot(dana.page, 'agent-example-commit');
    expect(dana.errors).toEqual([]);

    // A page opened afterwards shows the conversation it missed, with its outcome.
    const vic = await host.open({ actor: 'viewer', flow: 'demo' });
    const missed = vic.page.getByTestId(`turn-${summary.turn_id}`);
    await missed.getByTestId('commit-outcome').waitFor({ timeout: 20_000 });
    expect(await missed.textContent()).toContain('add three notes about the launch');
    expect(await missed.getByTestId('commit-outcome').textContent()).toMatch(/revision/i);
    expect(vic.errors).toEqual([]);
  });

  it('chat.send from the page: the streamed turn commits and a collaborator sees the edits', async () => {
    const pat = await host.open({ actor: 'planner', flow: 'demo' });
    const dana = await host.open({ actor: 'director', flow: 'demo' });
    await pat.page.getByTestId('chat-input').waitFor({ timeout: 20_000 });
    const before = await boardNotes(dana.page).count();
    const turnsBefore = await pat.page.locator('[data-testid^="turn-"]').count();

    await pat.page.getByTestId('chat-input').fill('add two notes about risks');
    await pat.page.getByTestId('chat-send').click();
    await pat.page.waitForFunction((n) => document.querySelectorAll('[data-testid^="turn-"]').length > n, turnsBefore, {
      timeout: 20_000,
    });
    const turn = pat.page.locator('[data-testid^="turn-"]').last();
    await turn.getByTestId('commit-outcome').waitFor({ timeout: 60_000 });
    expect(await turn.getByTestId('commit-outcome').textContent()).toMatch(/revision/i);
    await dana.page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid^="note-"]').length >= n + 2,
      before,
      { timeout: 20_000 },
    );
    expect(pat.errors).toEqual([]);
  });
});

describe('[ISSUE 7] the flow’s suggested prompt (“Try asking …”)', () => {
  it('a director’s click runs the turn and reports it applied; a viewer’s is off, focusable, with the reason in sight', async () => {
    const dana = await host.open({ actor: 'director', flow: 'split' });
    const ask = dana.page.getByTestId('host-agent-prompt');
    await ask.waitFor({ timeout: 20_000 });
    expect(await ask.getAttribute('aria-disabled')).toBeNull();
    await ask.click();
    await dana.page.getByTestId('host-agent-status').filter({ hasText: 'applied it' }).waitFor({ timeout: 30_000 });

    // Studio (the context column): the reason is written under the button, which points to it.
    const vic = await host.open({ actor: 'viewer', flow: 'demo' });
    const off = vic.page.getByTestId('host-agent-prompt');
    await off.waitFor({ timeout: 20_000 });
    await vic.page.waitForFunction(
      () => document.querySelector('[data-testid="host-agent-prompt"]')?.getAttribute('aria-disabled') === 'true',
      null,
      { timeout: 10_000 },
    );
    const refused = vic.page.getByTestId('host-agent-refused');
    expect(await refused.textContent()).toBe('Your role may not ask Ada.');
    expect(await off.getAttribute('aria-describedby')).toBe(await refused.getAttribute('id'));

    // Compact (“Ask Ada” in the top bar): not `disabled` (Tab reaches it), no title-only reason;
    // focus shows the reason it is described by, and a press sends nothing.
    const vicSplit = await host.open({ actor: 'viewer', flow: 'split' });
    const sent: string[] = [];
    vicSplit.page.on('request', (request) => {
      if (request.method() === 'POST') sent.push(request.url());
    });
    const compact = vicSplit.page.getByTestId('host-agent-prompt');
    await compact.waitFor({ timeout: 20_000 });
    await vicSplit.page.waitForFunction(
      () => document.querySelector('[data-testid="host-agent-prompt"]')?.getAttribute('aria-disabled') === 'true',
      null,
      { timeout: 10_000 },
    );
    expect(await compact.evaluate((el) => (el as HTMLButtonElement).disabled)).toBe(false);
    expect(await compact.getAttribute('title')).toBeNull();
    const reason = vicSplit.page.getByTestId('host-agent-reason');
    expect(await reason.isVisible()).toBe(false);
    await compact.focus();
    await reason.waitFor({ state: 'visible', timeout: 5_000 });
    expect(await reason.textContent()).toBe('Your role may not ask Ada.');
    expect(await compact.getAttribute('aria-describedby')).toBe(await reason.getAttribute('id'));
    await compact.press('Enter');
    // A press with the pointer too (Playwright's click would wait for an aria-disabled button).
    const at = (await compact.boundingBox())!;
    await vicSplit.page.mouse.click(at.x + at.width / 2, at.y + at.height / 2);
    await vicSplit.page.waitForTimeout(500);
    expect(sent.filter((url) => url.includes('/commands'))).toEqual([]);
    expect(await vicSplit.page.getByTestId('host-agent-status').count()).toBe(0);
    expect(await vicSplit.page.getByTestId('host-agent-error').count()).toBe(0);
    expect(vicSplit.errors).toEqual([]);
    expect(dana.errors).toEqual([]);
    expect(vic.errors).toEqual([]);
  });
});
