import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useHostBrowser } from './support/hostBrowser.ts';
import { saveScreenshot } from './support/screenshots.ts';

const host = useHostBrowser();

/** The host's bundled flows and the harness template each one uses (host/flows/*.json). */
const FLOWS = [
  { flow: 'demo', template: 'studio', surfaces: ['chat-input', 'connection-status', 'token-plan.title', 'add-note'] },
  { flow: 'split', template: 'split', surfaces: ['connection-status', 'add-note', 'doc-text'] },
  {
    flow: 'console',
    template: 'console',
    surfaces: ['connection-status', 'device-selector', 'fps-slider', 'job-start'],
  },
] as const;

/**
 * Panels whose content runs out of their box without scrolling (it would show under the next
 * panel): a panel squeezed by its column, as the studio's context panel was. Named by title.
 */
async function spilledPanels(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.ez-panel')]
      .filter((panel) => {
        const style = getComputedStyle(panel);
        const clips = style.overflowY !== 'visible';
        return !clips && panel.scrollHeight > panel.clientHeight + 1;
      })
      .map((panel) => panel.querySelector('.ez-panel__title')?.textContent ?? panel.className),
  );
}

describe('[ISSUE 7] harness templates in the host app (screenshots saved by the run)', () => {
  for (const { flow, template, surfaces } of FLOWS) {
    it(`${template} (flow ${flow}) renders its surfaces live, with no page errors`, async () => {
      const tab = await host.open({ actor: 'director', flow });
      await tab.page.locator(`[data-template="${template}"]`).waitFor({ timeout: 20_000 });
      for (const id of surfaces) await tab.page.getByTestId(id).first().waitFor({ timeout: 20_000 });
      expect(await tab.page.getByTestId('connection-status').first().textContent()).toBe('open');
      expect(await spilledPanels(tab.page)).toEqual([]);
      // A phone-wide window: one column, nothing wider than the page (no sideways scrolling).
      await tab.page.setViewportSize({ width: 420, height: 900 });
      await tab.page.waitForFunction(() => document.documentElement.scrollWidth <= window.innerWidth, null, {
        timeout: 5_000,
      });
      await tab.page.setViewportSize({ width: 1400, height: 900 });
      const file = await saveScreenshot(tab.page, `template-${template}`);
      expect(file).toMatch(/template-.*\.png$/);
      expect(tab.errors).toEqual([]);
      await tab.context.close();
    });
  }
});

describe('[ISSUE 7] the studio toolbar (ToolPop) runs every manifest tool of the canvas', () => {
  it('Add note adds a note, Add shape a shape, Commit says it went through (state tools were sent as {} and refused)', async () => {
    const tab = await host.open({ actor: 'director', flow: 'demo', viewport: { width: 1280, height: 800 } });
    const page = tab.page;
    const notes = page.locator('[data-testid^="note-"]');
    await page.getByTestId('add-note').waitFor({ timeout: 20_000 });
    const before = await notes.count();
    await page.getByTestId('tool-add-note').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid^="note-"]').length === n + 1, before, {
      timeout: 15_000,
    });
    const outcome = page.getByTestId('tool-outcome');
    await expect.poll(() => outcome.textContent(), { timeout: 10_000 }).toMatch(/^Add note: done \(revision \d+\)\.$/);
    await page.getByTestId('tool-commit').click();
    await expect.poll(() => outcome.textContent(), { timeout: 10_000 }).toMatch(/^Commit: done \(revision \d+\)\.$/);
    expect(await page.getByTestId('rejected-edit').count()).toBe(0);

    await page.getByTestId('canvas-tab-demo-whiteboard').click();
    const shapes = page.locator('[data-testid^="shape-"]');
    await page.getByTestId('tool-add-shape').waitFor({ timeout: 20_000 });
    const shapesBefore = await shapes.count();
    await page.getByTestId('tool-add-shape').click();
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid^="shape-"]').length === n + 1,
      shapesBefore,
      { timeout: 15_000 },
    );
    await saveScreenshot(page, 'studio-toolpop');
    expect(await page.getByTestId('rejected-edit').count()).toBe(0);
    expect(tab.errors).toEqual([]);
  });
});

describe('[CONTRACT 6] keyboard: a tool the role may not use is reachable and says why', () => {
  it('a planner Tabs to Commit (it was disabled: Tab skipped it, its reason only in a hover title); the reason shows; Enter sends nothing', async () => {
    const tab = await host.open({ actor: 'planner', flow: 'demo', viewport: { width: 1280, height: 800 } });
    const page = tab.page;
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
    const commit = page.getByTestId('tool-commit');
    await commit.waitFor({ timeout: 20_000 });
    await expect.poll(() => commit.getAttribute('aria-disabled'), { timeout: 10_000 }).toBe('true');
    const reason = page.getByTestId('tool-commit-reason');
    expect(await reason.isVisible()).toBe(false);
    await page.getByTestId('tool-add-note').focus();
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('tool-commit');
    await reason.waitFor({ state: 'visible', timeout: 5_000 });
    expect(await reason.textContent()).toBe('Your role may not send canvas.commit');
    expect(await commit.getAttribute('aria-describedby')).toBe(await reason.getAttribute('id'));
    await saveScreenshot(page, 'studio-toolpop-planner-commit-reason');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
    expect(await page.getByTestId('tool-outcome').count()).toBe(0);
    expect(await focused()).toBe('tool-commit');
    expect(tab.errors).toEqual([]);
  });
});

describe('[ISSUE 7] studio on a phone: the chat is as tall as its turns', () => {
  it('at 420 px, no screenful of empty chat panel between the last turn (or "No turns yet") and the input', async () => {
    const tab = await host.open({ actor: 'planner', flow: 'demo', viewport: { width: 420, height: 800 } });
    const page = tab.page;
    await page.getByTestId('chat-input').waitFor({ timeout: 20_000 });
    await page.locator('.ez-chat__turns > li').first().waitFor({ timeout: 20_000 });
    const layout = () =>
      page.evaluate(() => {
        const list = document.querySelector<HTMLElement>('.ez-chat__turns')!;
        const last = list.lastElementChild!.getBoundingClientRect();
        const form = document.querySelector('.ez-chat__form')!.getBoundingClientRect();
        return { gap: form.top - last.bottom, scrolls: list.scrollHeight > list.clientHeight + 1 };
      });
    // Either the turns fill the panel (and scroll), or the input follows them closely.
    const { gap, scrolls } = await layout();
    if (!scrolls) expect(gap).toBeLessThan(48);
    await saveScreenshot(page, 'studio-phone-chat');
    expect(tab.errors).toEqual([]);
  });
});

describe('[ISSUE 7] split: the two panes line up', () => {
  it('at 1280 px the doc (no tools) starts level with the board under its toolbar; at 420 px they stack', async () => {
    const tab = await host.open({ actor: 'director', flow: 'split', viewport: { width: 1280, height: 800 } });
    const page = tab.page;
    await page.getByTestId('doc-text').first().waitFor({ timeout: 20_000 });
    await page.getByTestId('tool-add-note').waitFor({ timeout: 20_000 });
    const tops = () =>
      page.evaluate(() =>
        [...document.querySelectorAll('.ez-split__pane')].map((pane) => {
          const box = (sel: string) => pane.querySelector(sel)?.getBoundingClientRect() ?? null;
          return {
            title: box('.ez-split__title')!.top,
            canvas: box('.ez-canvas-host')!.top,
            left: box('.ez-canvas-host')!.left,
          };
        }),
      );
    const [outline, brief] = await tops();
    expect(brief!.title).toBeCloseTo(outline!.title, 0);
    expect(brief!.canvas).toBeCloseTo(outline!.canvas, 0);
    await saveScreenshot(page, 'split-panes-1280');
    await page.setViewportSize({ width: 420, height: 800 });
    await page.waitForFunction(() => document.documentElement.scrollWidth <= window.innerWidth, null, {
      timeout: 5_000,
    });
    const [top, below] = await tops();
    expect(below!.left).toBeCloseTo(top!.left, 0);
    expect(below!.title).toBeGreaterThan(top!.canvas);
    // The toolbar stays at the start of its pane (it went to the right end).
    const bar = (await page.locator('.ez-split__pane .ez-toolpop__bar').first().boundingBox())!;
    expect(bar.x).toBeCloseTo(top!.left, 0);
    await saveScreenshot(page, 'split-panes-420');
    expect(tab.errors).toEqual([]);
  });
});

describe('split: a view-only note above one pane moves neither canvas', () => {
  it('a planner (may write the board, not the doc): both canvases start at the same y, the note shown above the doc', async () => {
    const tab = await host.open({ actor: 'planner', flow: 'split', viewport: { width: 1280, height: 800 } });
    const page = tab.page;
    await page.getByTestId('tool-add-note').waitFor({ timeout: 20_000 });
    const note = page.locator('.ez-split__pane[aria-label="Brief"] .ez-canvas-host__note[role="note"]');
    await note.waitFor({ timeout: 20_000 });
    expect(await note.textContent()).toBe('View only: your role may not change this canvas.');
    expect(await page.locator('.ez-split__pane[aria-label="Outline"] .ez-canvas-host__note').count()).toBe(0);
    const tops = await page.evaluate(() =>
      [...document.querySelectorAll('.ez-split__pane')].map(
        (pane) => pane.querySelector('.ez-canvas-host__surface')!.getBoundingClientRect().top,
      ),
    );
    expect(tops).toHaveLength(2);
    expect(tops[1]).toBeCloseTo(tops[0]!, 0);
    await saveScreenshot(page, 'split-planner-view-only-1280');
    expect(tab.errors).toEqual([]);
  });
});

describe('split: a view-only note that wraps to two lines moves neither canvas', () => {
  // The template in a narrower column of a host page (600 px: side by side, each pane ≈ 280 px), so
  // the note takes two lines. A planner sees it above the doc only; a viewer above both canvases.
  for (const actor of ['planner', 'viewer'] as const) {
    it(`${actor}: the note takes two lines and both canvases still start at the same y, below it`, async () => {
      const tab = await host.open({ actor, flow: 'split', viewport: { width: 1280, height: 800 } });
      const page = tab.page;
      await page.locator('.ez-split__pane[aria-label="Brief"] .ez-canvas-host__note[role="note"]').waitFor({
        timeout: 20_000,
      });
      await page.waitForFunction(() => document.querySelectorAll('.ez-canvas-host__surface').length === 2, null, {
        timeout: 20_000,
      });
      await page.addStyleTag({ content: '.ez-split { width: 600px; }' });
      const boxes = await page.evaluate(() =>
        [...document.querySelectorAll('.ez-split__pane')].map((pane) => {
          const note = pane.querySelector<HTMLElement>('.ez-canvas-host__note[role="note"]');
          const surface = pane.querySelector('.ez-canvas-host__surface')!.getBoundingClientRect();
          // Lines of the note's text: its line boxes (one client rect per line).
          const range = document.createRange();
          if (note) range.selectNodeContents(note);
          const lines = note ? new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size : 0;
          return {
            pane: pane.getAttribute('aria-label'),
            lines,
            noteBottom: note?.getBoundingClientRect().bottom ?? null,
            surfaceTop: surface.top,
          };
        }),
      );
      expect(boxes.map((b) => b.pane)).toEqual(['Outline', 'Brief']);
      const [outline, brief] = boxes as [(typeof boxes)[number], (typeof boxes)[number]];
      expect(brief.lines, JSON.stringify(boxes)).toBe(2);
      if (actor === 'viewer') expect(outline.lines).toBe(2);
      else expect(outline.noteBottom).toBeNull();
      expect(Math.abs(brief.surfaceTop - outline.surfaceTop), JSON.stringify(boxes)).toBeLessThan(1);
      expect(brief.surfaceTop).toBeGreaterThan(brief.noteBottom!);
      await saveScreenshot(page, `split-${actor}-two-line-note`);
      expect(tab.errors).toEqual([]);
      await tab.context.close();
    });
  }
});

describe('[ISSUE 7] keyboard: switching canvases keeps the focus where it was', () => {
  it('Enter on a switcher tab shows that canvas and leaves the focus on the tab (it fell to the page)', async () => {
    const tab = await host.open({ actor: 'director', flow: 'demo', viewport: { width: 1280, height: 800 } });
    const page = tab.page;
    await page.getByTestId('add-note').waitFor({ timeout: 20_000 });
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
    await page.getByTestId('canvas-tab-demo-whiteboard').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('tool-add-shape').waitFor({ timeout: 20_000 });
    expect(await focused()).toBe('canvas-tab-demo-whiteboard');
    // Shift+Tab reaches the board's tab; Enter, and the focus stays there too.
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('canvas-tab-demo-board');
    await page.keyboard.press('Enter');
    await page.getByTestId('add-note').waitFor({ timeout: 20_000 });
    expect(await focused()).toBe('canvas-tab-demo-board');
    expect(tab.errors).toEqual([]);
  });
});

describe('[ISSUE 7] doc rows: a row’s controls stay in its own box (split flow)', () => {
  for (const width of [1280, 420]) {
    it(`at ${width} px, with row 1 focused, its bar overlaps no other row and a press on row 2 lands on row 2`, async () => {
      const tab = await host.open({ actor: 'director', flow: 'split', viewport: { width, height: 900 } });
      const page = tab.page;
      const rows = page.locator('.easel-doc-blocks > ol > li');
      await page.getByTestId('add-block').waitFor({ timeout: 20_000 });
      for (let i = 0; i < 3 && (await rows.count()) < 2; i++) {
        const before = await rows.count();
        await page.getByTestId('add-block').click();
        await expect.poll(() => rows.count(), { timeout: 10_000 }).toBeGreaterThan(before);
      }
      const text = (n: number) => rows.nth(n).locator('[data-testid^="block-text-"]').first();
      const second = rows.nth(1);
      const gap = async () => (await second.boundingBox())!.y - (await rows.nth(0).boundingBox())!.y;
      await text(0).scrollIntoViewIfNeeded();
      const gapBefore = await gap();
      // Hover row 1: its bar appears and row 2 does not move.
      await text(0).hover();
      const bar = rows.nth(0).locator('.easel-doc-block-controls');
      await bar.waitFor({ timeout: 5_000 });
      expect(await gap()).toBe(gapBefore);
      // Focus row 1's text: its bar stays inside row 1, clear of row 2.
      await text(0).click();
      await page.waitForFunction(() => document.activeElement?.tagName === 'TEXTAREA', null, { timeout: 5_000 });
      const secondBox = (await second.boundingBox())!;
      const barBox = (await bar.boundingBox())!;
      const firstBox = (await rows.nth(0).boundingBox())!;
      expect(barBox.y + barBox.height).toBeLessThanOrEqual(secondBox.y);
      expect(barBox.y + barBox.height).toBeLessThanOrEqual(firstBox.y + firstBox.height + 0.5);
      expect(barBox.x + barBox.width).toBeLessThanOrEqual(firstBox.x + firstBox.width + 0.5);
      // A press near the right end of row 2's text (where the bar used to float) focuses row 2's text;
      // Playwright refused it before ("<select aria-label="Kind of … block 1"> intercepts pointer events").
      const target = (await text(1).boundingBox())!;
      await text(1).click({ position: { x: target.width - 12, y: Math.min(10, target.height / 2) }, timeout: 5_000 });
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? ''), { timeout: 5_000 })
        .toMatch(/^Text of .* block 2$/);
      await saveScreenshot(page, `doc-rows-controls-${width}`);
      expect(tab.errors).toEqual([]);
      await tab.context.close();
    });
  }
});

describe('[ISSUE 7] doc rows: opening a row’s text moves nothing (split flow)', () => {
  const CASES = [
    { kind: 'paragraph', text: 'First line of the paragraph\nand its second line' },
    { kind: 'code', text: Array.from({ length: 6 }, (_, i) => `const line${i} = ${i};`).join('\n') },
  ] as const;
  for (const { kind, text } of CASES) {
    it(`a ${kind} row: focusing its text leaves the next row where it was, empty and with lines of text`, async () => {
      const tab = await host.open({ actor: 'director', flow: 'split', viewport: { width: 1280, height: 900 } });
      const page = tab.page;
      const rows = page.locator('.easel-doc-blocks > ol > li');
      await page.getByTestId('add-block').waitFor({ timeout: 20_000 });
      const picker = page.getByRole('toolbar', { name: 'Block tools' }).locator('select');
      const at = await rows.count();
      // A new row of this kind, then a paragraph after it (the row whose top is watched).
      for (const [i, k] of [kind, 'paragraph'].entries()) {
        await picker.selectOption(k);
        await page.getByTestId('add-block').click();
        await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(at + i + 1);
      }
      /** Focuses row `at`'s text with a press and says how far the next row and the text box moved. */
      const openRow = async (p: Page) => {
        const row = p.locator('.easel-doc-blocks > ol > li').nth(at);
        const next = p.locator('.easel-doc-blocks > ol > li').nth(at + 1);
        const box = row.locator('[data-testid^="block-text-"]').first();
        await box.scrollIntoViewIfNeeded();
        expect(await row.getAttribute('data-kind')).toBe(kind);
        expect(await box.evaluate((el) => el.tagName)).toBe('DIV');
        await box.hover();
        await row.locator('.easel-doc-block-controls').waitFor({ timeout: 5_000 });
        const nextBefore = (await next.boundingBox())!.y;
        const boxBefore = (await box.boundingBox())!.height;
        await box.click();
        await p.waitForFunction(() => document.activeElement?.tagName === 'TEXTAREA', null, { timeout: 5_000 });
        await p.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
        const area = row.locator('textarea');
        return {
          box: (await area.boundingBox())!.height - boxBefore,
          nextRow: (await next.boundingBox())!.y - nextBefore,
        };
      };
      // Empty (its placeholder shown): the stand-in was 29 px, the text area 32 (code: 4 rows).
      expect(await openRow(page)).toEqual({ box: 0, nextRow: 0 });
      await page.keyboard.type(text);
      // With lines of text, as another person first sees it: the text area grows as the stand-in did.
      const other = await host.open({ actor: 'director', flow: 'split', viewport: { width: 1280, height: 900 } });
      await other.page
        .locator('.easel-doc-blocks > ol > li')
        .nth(at)
        .locator('.easel-lazy-text', { hasText: text.split('\n')[1]! })
        .waitFor({ timeout: 15_000 });
      expect(await openRow(other.page)).toEqual({ box: 0, nextRow: 0 });
      await saveScreenshot(other.page, `doc-row-open-${kind}`);
      expect(tab.errors).toEqual([]);
      expect(other.errors).toEqual([]);
      await tab.context.close();
      await other.context.close();
    });
  }
});

describe('[ISSUE 7] the board header holds a long title (plan.title, up to 200 characters)', () => {
  it('a 200-character title with no spaces wraps inside the header at 1280 and 420 px', async () => {
    const tab = await host.open({ actor: 'director', flow: 'demo', viewport: { width: 1280, height: 800 } });
    const page = tab.page;
    const input = page.getByTestId('token-plan.title');
    await input.waitFor({ timeout: 20_000 });
    const original = await input.inputValue();
    const long = `${'W'.repeat(100)}${'x'.repeat(100)}`;
    const setTitle = async (value: string) => {
      await input.fill(value);
      await input.press('Enter');
      await page.waitForFunction(
        (want) => document.querySelector('.easel-board-header h2')?.textContent === want,
        value === '' ? 'Board' : value,
        { timeout: 15_000 },
      );
    };
    /** Elements of the board's top whose content runs out of their box (by class and sizes). */
    const overflowing = () =>
      page.evaluate(() =>
        ['.easel-board', '.easel-board-header', '.easel-board-header h2']
          .map((sel) => document.querySelector<HTMLElement>(sel)!)
          .filter((el) => el.scrollWidth > el.clientWidth + 1)
          .map((el) => `${el.className || el.tagName}: ${el.scrollWidth} > ${el.clientWidth}`),
      );
    try {
      await setTitle(long);
      expect(await overflowing()).toEqual([]);
      await saveScreenshot(page, 'board-long-title-1280');
      await page.setViewportSize({ width: 420, height: 900 });
      await expect.poll(overflowing, { timeout: 5_000 }).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await saveScreenshot(page, 'board-long-title-420');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
      await setTitle(original);
    }
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });
});

describe('[ISSUE 7] the board’s Columns editor against the gateway (token board.columns)', () => {
  it('the director adds a column, renames it and removes it (empty) from the board itself', async () => {
    const tab = await host.open({ actor: 'director', flow: 'demo', viewport: { width: 1280, height: 800 } });
    const page = tab.page;
    await page.getByTestId('board-columns-toggle').click();
    const title = `Review ${Date.now().toString(36)}`;
    await page.getByTestId('new-column').fill(title);
    await page.getByTestId('add-column').click();
    const id = title.toLowerCase().replace(' ', '-');
    const column = page.getByTestId(`column-${id}`);
    await column.waitFor({ timeout: 15_000 });
    await page.getByTestId(`column-title-${id}`).fill(`${title} (QA)`);
    await page.getByTestId(`rename-column-${id}`).click();
    await expect.poll(() => column.locator('h3').textContent(), { timeout: 15_000 }).toBe(`${title} (QA) (0)`);
    await saveScreenshot(page, 'board-columns-editor');
    await page.getByTestId(`remove-column-${id}`).click();
    await column.waitFor({ state: 'detached', timeout: 15_000 });
    expect(await page.getByTestId('columns-error').count()).toBe(0);
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });
});
