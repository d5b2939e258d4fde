// @vitest-environment happy-dom
import { CONTRACT_EXAMPLE_LENS_POLICY } from '@easel/schemas';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { CanvasHost } from '../cartridge/CanvasHost.tsx';
import { defineCanvas } from '../cartridge/defineCanvas.ts';
import { DEMO_BOARD_MANIFEST, DEMO_WHITEBOARD_MANIFEST } from '../testing/fixtures.ts';
import { canvasReady } from '../testing/recordedEvent.ts';
import { cleanupRecorded, renderRecorded } from '../testing/renderRecorded.tsx';
import type { Recording } from '../testing/Recording.ts';
import { ToolPop } from './ToolPop.tsx';

afterEach(cleanupRecorded);

/** A board cartridge whose `add-note` tool builds its ops (as the built-in board's does). */
const noteAdder = defineCanvas({
  manifest: DEMO_BOARD_MANIFEST,
  project: () => 'p',
  Component: () => null,
  toolArgs: { 'add-note': () => ({ ops: [{ op: 'insert', root: 'notes', key: 'n1', value: { text: 'x' } }] }) },
});

/** A board cartridge with a commit button of its own. */
const committer = defineCanvas({
  manifest: DEMO_BOARD_MANIFEST,
  project: () => 'p',
  Component: ({ emit }) => (
    <button type="button" data-testid="canvas-commit" onClick={() => void emit.commit('from the canvas')}>
      commit
    </button>
  ),
});

const button = (id: string) => screen.findByTestId(`tool-${id}`) as Promise<HTMLButtonElement>;
/** Off, as assistive technology reads it (`aria-disabled`; `disabled` would take it out of the tab order). */
const off = (el: HTMLElement) => el.getAttribute('aria-disabled') === 'true' || (el as HTMLButtonElement).disabled;
/** The text `aria-describedby` points to (what a screen reader says after the name). */
const reasonOf = (el: HTMLElement) =>
  (el.getAttribute('aria-describedby') ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map((id) => document.getElementById(id)?.textContent ?? `<missing #${id}>`)
    .join(' ');

/**
 * Renders `ui` over a board (or `manifest`) under the contract's example lens, as `who`
 * (`pat` the planner or `dana` the director); `extra` adds to or overrides the recording.
 */
const renderAs = (
  who: 'planner' | 'director',
  ui: ReactNode,
  manifest = DEMO_BOARD_MANIFEST,
  extra: Partial<Recording> = {},
) =>
  renderRecorded(ui, {
    canvas: [canvasReady({ manifest })],
    lens: CONTRACT_EXAMPLE_LENS_POLICY,
    actor: who === 'planner' ? { id: 'pat', roles: ['planner'] } : { id: 'dana', roles: ['director'] },
    ...extra,
  });

describe('ToolPop', () => {
  it('[CONTRACT 6] a planner may use the board tools that write notes, not commit', async () => {
    renderAs('planner', <ToolPop args={{ 'add-note': { ops: [] } }} />);
    const commit = await button('commit');
    await waitFor(() => expect(off(commit)).toBe(true));
    expect(reasonOf(commit)).toBe('Your role may not send canvas.commit');
    const stateTools = DEMO_BOARD_MANIFEST.tools.filter((t) => t.command === 'state.ops' && !t.plugin);
    expect(stateTools.length).toBeGreaterThan(0);
    for (const tool of stateTools) expect(off(await button(tool.id))).toBe(false);
  });

  it('[CONTRACT 6] a tool the role may not use stays focusable, does nothing when pressed, and is described by its visible reason', async () => {
    const { session } = renderAs('planner', <ToolPop />);
    const commit = await button('commit');
    await waitFor(() => expect(commit.getAttribute('aria-disabled')).toBe('true'));
    // Not `disabled`: a disabled button is skipped by Tab, and its reason (a title) unreachable.
    expect(commit.disabled).toBe(false);
    expect(commit.hasAttribute('title')).toBe(false);
    commit.focus();
    expect(document.activeElement).toBe(commit);
    const reason = screen.getByTestId('tool-commit-reason');
    expect(commit.getAttribute('aria-describedby')).toBe(reason.id);
    expect(reason.textContent).toBe('Your role may not send canvas.commit');
    fireEvent.click(commit);
    // Pressed (a tap), it sends nothing and shows its reason (touch has no hover and no focus ring).
    expect(reason.parentElement?.hasAttribute('data-shown')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(session.gateway.commands).toEqual([]);
    expect(screen.queryByTestId('tool-outcome')).toBeNull();
  });

  it('[CONTRACT 6] on a canvas whose roots the role may not write, its state tools are off with the reason; plugin tools stay', async () => {
    renderAs('planner', <ToolPop />, DEMO_WHITEBOARD_MANIFEST);
    const add = await button('add-shape');
    await waitFor(() => expect(off(add)).toBe(true));
    expect(reasonOf(add)).toBe('Your role may not change this canvas');
    expect(off(await button('thumbnail'))).toBe(false);
  });

  it('[CONTRACT 5] a state tool with no arguments (none given, none from the cartridge) is off with the reason: sent as {} it was always refused', async () => {
    const { session } = renderAs('director', <ToolPop />);
    const commit = await button('commit');
    await waitFor(() => expect(off(commit)).toBe(false));
    const add = await button('add-note');
    expect(off(add)).toBe(true);
    expect(reasonOf(add)).toBe("Use the canvas's own controls for Add note");
    fireEvent.click(add);
    expect(session.gateway.commands).toEqual([]);
  });

  it('[CONTRACT 5] a state tool runs with the ops the cartridge builds from the projection', async () => {
    const { session } = renderAs('director', <ToolPop cartridge={noteAdder} />);
    const add = await button('add-note');
    await waitFor(() => expect(off(add)).toBe(false));
    fireEvent.click(add);
    await waitFor(() => expect(session.gateway.commands).toEqual([expect.objectContaining({ type: 'state.ops' })]));
    expect(await screen.findByTestId('tool-outcome')).toHaveProperty(
      'textContent',
      expect.stringMatching(/^Add note: done \(revision \d+\)\.$/),
    );
  });

  it('[CONTRACT 5] a director’s tool sends its command', async () => {
    const { session } = renderAs('director', <ToolPop />);
    const commit = await button('commit');
    await waitFor(() => expect(off(commit)).toBe(false));
    fireEvent.click(commit);
    await waitFor(() => expect(session.gateway.commands).toEqual([expect.objectContaining({ type: 'canvas.commit' })]));
    // What went through is said (a commit changes nothing a person sees on the canvas).
    const outcome = await screen.findByTestId('tool-outcome');
    expect(outcome.getAttribute('role')).toBe('status');
    expect(outcome.textContent).toMatch(/^Commit: done \(revision \d+\)\.$/);
  });

  it('[CONTRACT 3] a refused tool is said once: beside the tool, not again in the canvas host banner', async () => {
    renderAs(
      'director',
      <>
        <ToolPop cartridge={noteAdder} />
        <CanvasHost cartridge={noteAdder} />
      </>,
      DEMO_BOARD_MANIFEST,
      { refuse: { 'canvas.commit': { code: 'conflict', message: 'nothing changed since the last commit' } } },
    );
    const commit = await button('commit');
    await waitFor(() => expect(off(commit)).toBe(false));
    fireEvent.click(commit);
    const outcome = await screen.findByTestId('tool-outcome');
    await waitFor(() => expect(outcome.textContent).toContain('nothing changed since the last commit'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const said = screen.getAllByRole('alert').filter((el) => el.textContent?.includes('nothing changed since'));
    expect(said).toEqual([outcome]);
    expect(screen.queryByTestId('rejected-edit')).toBeNull();
  });

  it('[CONTRACT 3] a refusal of the canvas itself (not from the toolbar) is still shown by the canvas host', async () => {
    renderRecorded(
      <>
        <ToolPop cartridge={committer} />
        <CanvasHost cartridge={committer} />
      </>,
      {
        canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST })],
        actor: { id: 'dana', roles: ['director'] },
        refuse: { 'canvas.commit': { code: 'conflict', message: 'nothing changed since the last commit' } },
      },
    );
    fireEvent.click(await screen.findByTestId('canvas-commit'));
    expect((await screen.findByTestId('rejected-edit')).textContent).toContain('nothing changed since the last commit');
    expect(screen.queryByTestId('tool-outcome')).toBeNull();
  });
});
