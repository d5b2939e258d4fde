import { describe, expect, it } from 'vitest';
import { ACTOR_SUBS, addBoardNote, type HostTab } from './support/hostPage.ts';
import { useHostBrowser } from './support/hostBrowser.ts';
import { saveScreenshot } from './support/screenshots.ts';

const host = useHostBrowser();

describe('[ISSUE 7] two collaborators on one canvas (real easel dev, Chromium)', () => {
  it('each sees the other’s board edits, presence and live cursor', async () => {
    const dana = await host.open({ actor: 'director', flow: 'demo' });
    const pat = await host.open({ actor: 'planner', flow: 'demo' });
    await dana.page.getByTestId('add-note').waitFor({ timeout: 20_000 });
    await pat.page.getByTestId('add-note').waitFor({ timeout: 20_000 });

    const fromDana = `from Dana ${Date.now().toString(36)}`;
    await addBoardNote(dana.page, fromDana);
    await pat.page.getByText(fromDana).waitFor({ timeout: 15_000 });

    const fromPat = `from Pat ${Date.now().toString(36)}`;
    await addBoardNote(pat.page, fromPat);
    await dana.page.getByText(fromPat).waitFor({ timeout: 15_000 });
    expect(await dana.page.getByText(fromDana).count()).toBe(1);

    // Presence: each one's top pill lists the other.
    await dana.page.getByTestId(`presence-avatar-${ACTOR_SUBS.planner}`).waitFor({ timeout: 20_000 });
    await pat.page.getByTestId(`presence-avatar-${ACTOR_SUBS.director}`).waitFor({ timeout: 20_000 });

    // Cursors: Dana moves over the board; Pat sees her cursor (and it follows her).
    const board = dana.page.locator('.ez-canvas-host').first();
    const box = await board.boundingBox();
    expect(box).not.toBeNull();
    const danaCursor = pat.page.getByTestId(`cursor-${ACTOR_SUBS.director}`);
    await dana.page.mouse.move(box!.x + 120, box!.y + 80, { steps: 4 });
    await danaCursor.waitFor({ timeout: 15_000 });
    const first = await danaCursor.getAttribute('style');
    await dana.page.mouse.move(box!.x + 320, box!.y + 220, { steps: 4 });
    await pat.page.waitForFunction(
      ([sel, before]) => document.querySelector(sel!)?.getAttribute('style') !== before,
      [`[data-testid="cursor-${ACTOR_SUBS.director}"]`, first] as const,
      { timeout: 15_000 },
    );
    await saveScreenshot(pat.page, 'collaboration-planner-sees-director');
    expect(dana.errors).toEqual([]);
    expect(pat.errors).toEqual([]);
  });

  it('whiteboard shapes one collaborator adds appear for the other', async () => {
    const dana = await host.open({ actor: 'director', flow: 'demo', canvas: 'demo-whiteboard' });
    const pat = await host.open({
      actor: 'director',
      flow: 'demo',
      canvas: 'demo-whiteboard',
      user: 'sam-director',
    });
    const shapes = (tab: HostTab) => tab.page.locator('[data-testid^="shape-"]');
    await dana.page.getByTestId('add-shape').first().waitFor({ timeout: 20_000 });
    const before = await shapes(pat).count();
    await dana.page.getByTestId('add-shape').first().click();
    await pat.page.waitForFunction((n) => document.querySelectorAll('[data-testid^="shape-"]').length > n, before, {
      timeout: 15_000,
    });
    const ids = await shapes(dana).evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')).sort());
    await pat.page.waitForFunction(
      (want) =>
        JSON.stringify(
          [...document.querySelectorAll('[data-testid^="shape-"]')].map((e) => e.getAttribute('data-testid')).sort(),
        ) === want,
      JSON.stringify(ids),
      { timeout: 15_000 },
    );
    await pat.page.getByTestId('presence-avatar-dana-director').waitFor({ timeout: 20_000 });

    // A text shape's words are Dana's to write (double click, type, Enter); Alt+arrows resize it
    // from the keyboard. Sam sees both.
    const words = `Launch ${Date.now().toString(36)}`;
    await dana.page.locator('.easel-wb-toolbar select').selectOption('text');
    await dana.page.getByTestId('add-shape').click();
    const text = dana.page.locator('[data-testid^="shape-"][data-kind="text"]').last();
    await text.waitFor({ timeout: 15_000 });
    const textId = (await text.getAttribute('data-testid'))!;
    await text.dblclick();
    await dana.page.getByTestId('shape-text').fill(words);
    await dana.page.keyboard.press('Enter');
    await pat.page.locator(`[data-testid="${textId}"]`, { hasText: words }).waitFor({ timeout: 15_000 });
    const width = () => pat.page.locator(`[data-testid="${textId}"] rect`).first().getAttribute('width');
    expect(await width()).toBe('160');
    await text.focus();
    await dana.page.keyboard.press('Alt+ArrowRight');
    await pat.page.waitForFunction(
      (sel) => document.querySelector(sel)?.getAttribute('width') === '170',
      `[data-testid="${textId}"] rect`,
      { timeout: 15_000 },
    );
    expect(dana.errors).toEqual([]);
    expect(pat.errors).toEqual([]);
  });

  it('[CONTRACT 5] two people typing in the same doc text: each keeps their caret where they were typing', async () => {
    const dana = await host.open({ actor: 'director', flow: 'split', canvas: 'split-doc' });
    // The doc is the director's to write (a planner only reads it): a second director, Sam.
    const pat = await host.open({ actor: 'director', flow: 'split', canvas: 'split-doc', user: 'sam-director' });
    const stamp = Date.now().toString(36);
    const danaArea = dana.page.getByTestId('doc-text');
    const patArea = pat.page.getByTestId('doc-text');
    await danaArea.waitFor({ timeout: 20_000 });
    await patArea.waitFor({ timeout: 20_000 });
    // Dana puts her caret at the very start; Pat types at the end while she waits.
    await danaArea.click();
    await dana.page.keyboard.press('Control+Home');
    await patArea.click();
    await pat.page.keyboard.press('Control+End');
    await patArea.pressSequentially(` pat-${stamp}`, { delay: 5 });
    await dana.page.waitForFunction(
      (want) =>
        (document.querySelector('[data-testid="doc-text"]') as HTMLTextAreaElement | null)?.value.includes(want),
      `pat-${stamp}`,
      { timeout: 15_000 },
    );
    // Her next keys still land at the start, not after Pat's words.
    await dana.page.keyboard.type(`dana-${stamp} `, { delay: 5 });
    const want = `dana-${stamp} `;
    await pat.page.waitForFunction(
      (w) => (document.querySelector('[data-testid="doc-text"]') as HTMLTextAreaElement | null)?.value.startsWith(w),
      want,
      { timeout: 15_000 },
    );
    const danaText = await danaArea.inputValue();
    expect(danaText.startsWith(want)).toBe(true);
    expect(danaText.endsWith(` pat-${stamp}`)).toBe(true);
    expect(dana.errors).toEqual([]);
    expect(pat.errors).toEqual([]);
  });
});
