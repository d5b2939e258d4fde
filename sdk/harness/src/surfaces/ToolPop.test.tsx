// @vitest-environment happy-dom
import { CONTRACT_EXAMPLE_LENS_POLICY } from '@easel/schemas';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { defineCanvas } from '../cartridge/defineCanvas.ts';
import { DEMO_BOARD_MANIFEST, DEMO_WHITEBOARD_MANIFEST } from '../testing/fixtures.ts';
import { canvasReady } from '../testing/recordedEvent.ts';
import { cleanupRecorded, renderRecorded } from '../testing/renderRecorded.tsx';
import { ToolPop } from './ToolPop.tsx';

afterEach(cleanupRecorded);

/** A board cartridge whose `add-note` tool builds its ops (as the built-in board's does). */
const noteAdder = defineCanvas({
  manifest: DEMO_BOARD_MANIFEST,
  project: () => 'p',
  Component: () => null,
  toolArgs: { 'add-note': () => ({ ops: [{ op: 'insert', root: 'notes', key: 'n1', value: { text: 'x' } }] }) },
});

const button = (id: string) => screen.findByTestId(`tool-${id}`) as Promise<HTMLButtonElement>;

describe('ToolPop', () => {
  it('[CONTRACT 6] a planner may use the board tools that write notes, not commit', async () => {
    renderRecorded(<ToolPop args={{ 'add-note': { ops: [] } }} />, {
      canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST })],
      lens: CONTRACT_EXAMPLE_LENS_POLICY,
      actor: { id: 'pat', roles: ['planner'] },
    });
    const commit = await button('commit');
    await waitFor(() => expect(commit.disabled).toBe(true));
    expect(commit.title).toBe('Your role may not send canvas.commit');
    const stateTools = DEMO_BOARD_MANIFEST.tools.filter((t) => t.command === 'state.ops' && !t.plugin);
    expect(stateTools.length).toBeGreaterThan(0);
    for (const tool of stateTools) expect((await button(tool.id)).disabled).toBe(false);
  });

  it('[CONTRACT 6] on a canvas whose roots the role may not write, its state tools are off with the reason; plugin tools stay', async () => {
    renderRecorded(<ToolPop />, {
      canvas: [canvasReady({ manifest: DEMO_WHITEBOARD_MANIFEST })],
      lens: CONTRACT_EXAMPLE_LENS_POLICY,
      actor: { id: 'pat', roles: ['planner'] },
    });
    const add = await button('add-shape');
    await waitFor(() => expect(add.disabled).toBe(true));
    expect(add.title).toBe('Your role may not change this canvas');
    expect((await button('thumbnail')).disabled).toBe(false);
  });

  it('[CONTRACT 5] a state tool with no arguments (none given, none from the cartridge) is off with the reason: sent as {} it was always refused', async () => {
    const { session } = renderRecorded(<ToolPop />, {
      canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST })],
      lens: CONTRACT_EXAMPLE_LENS_POLICY,
      actor: { id: 'dana', roles: ['director'] },
    });
    const commit = await button('commit');
    await waitFor(() => expect(commit.disabled).toBe(false));
    const add = await button('add-note');
    expect(add.disabled).toBe(true);
    expect(add.title).toBe("Use the canvas's own controls for Add note");
    fireEvent.click(add);
    expect(session.gateway.commands).toEqual([]);
  });

  it('[CONTRACT 5] a state tool runs with the ops the cartridge builds from the projection', async () => {
    const { session } = renderRecorded(<ToolPop cartridge={noteAdder} />, {
      canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST })],
      lens: CONTRACT_EXAMPLE_LENS_POLICY,
      actor: { id: 'dana', roles: ['director'] },
    });
    const add = await button('add-note');
    await waitFor(() => expect(add.disabled).toBe(false));
    fireEvent.click(add);
    await waitFor(() => expect(session.gateway.commands).toEqual([expect.objectContaining({ type: 'state.ops' })]));
    expect(await screen.findByTestId('tool-outcome')).toHaveProperty(
      'textContent',
      expect.stringMatching(/^Add note: done \(revision \d+\)\.$/),
    );
  });

  it('[CONTRACT 5] a director’s tool sends its command', async () => {
    const { session } = renderRecorded(<ToolPop />, {
      canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST })],
      lens: CONTRACT_EXAMPLE_LENS_POLICY,
      actor: { id: 'dana', roles: ['director'] },
    });
    const commit = await button('commit');
    await waitFor(() => expect(commit.disabled).toBe(false));
    fireEvent.click(commit);
    await waitFor(() => expect(session.gateway.commands).toEqual([expect.objectContaining({ type: 'canvas.commit' })]));
    // What went through is said (a commit changes nothing a person sees on the canvas).
    const outcome = await screen.findByTestId('tool-outcome');
    expect(outcome.getAttribute('role')).toBe('status');
    expect(outcome.textContent).toMatch(/^Commit: done \(revision \d+\)\.$/);
  });
});
