// @vitest-environment happy-dom
import { CONTRACT_EXAMPLE_LENS_POLICY } from '@easel/schemas';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_BOARD_MANIFEST } from '../testing/fixtures.ts';
import { canvasReady } from '../testing/recordedEvent.ts';
import { cleanupRecorded, renderRecorded } from '../testing/renderRecorded.tsx';
import { TokenPanel } from './TokenPanel.tsx';

afterEach(cleanupRecorded);

/** Off for this role: read-only (text) or `aria-disabled` (the rest); never `disabled` (out of the tab order). */
const locked = (el: HTMLElement) => {
  if ((el as HTMLInputElement).disabled)
    throw new Error(`${el.dataset.testid} is disabled: Tab skips it and its reason`);
  return (el as HTMLInputElement).readOnly === true || el.getAttribute('aria-disabled') === 'true';
};

/** What the gateway streams to a planner under the §6 policy: only `plan.*` tokens. */
const plannerView = canvasReady({
  manifest: DEMO_BOARD_MANIFEST,
  defaults: false,
  tokens: { 'plan.title': 'Launch', 'plan.note': '', 'plan.status': 'draft', 'plan.count': 2 },
});

describe('TokenPanel', () => {
  it('[CONTRACT 6] a planner sees only the tokens the lens lets them read, editable where it lets them write', async () => {
    renderRecorded(<TokenPanel />, {
      canvas: [plannerView],
      lens: CONTRACT_EXAMPLE_LENS_POLICY,
      actor: { id: 'pat', roles: ['planner'] },
    });
    const title = (await screen.findByTestId('token-plan.title')) as HTMLInputElement;
    await waitFor(() => expect(locked(title)).toBe(false));
    expect(title.value).toBe('Launch');
    expect(screen.queryByTestId('token-style.accent')).toBeNull();
    expect(screen.queryByTestId('token-board.columns')).toBeNull();
  });

  it('[CONTRACT 6] a viewer sees tokens read-only, with the reason', async () => {
    renderRecorded(<TokenPanel />, {
      canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST })],
      actor: { id: 'vic', roles: ['viewer'] },
    });
    const accent = (await screen.findByTestId('token-style.accent')) as HTMLInputElement;
    await waitFor(() => expect(locked(accent)).toBe(true));
    // Every token is read-only: the reason is said once for the panel, and each field points to it.
    const note = await screen.findByTestId('tokens-readonly');
    expect(note.textContent).toBe('Read only: your role (viewer) may not change these tokens.');
    expect(document.querySelectorAll('.ez-token__note')).toHaveLength(1);
    expect(accent.getAttribute('aria-describedby')).toBe(note.id);
  });

  it('[CONTRACT 6] a read-only token can be reached with Tab and is described by its reason; changing it sends nothing', async () => {
    const { session } = renderRecorded(<TokenPanel />, {
      canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST })],
      actor: { id: 'vic', roles: ['viewer'] },
    });
    const note = await screen.findByTestId('tokens-readonly');
    const fields = ['plan.title', 'plan.status', 'style.accent', 'style.dense', 'board.columns'].map(
      (id) => screen.getByTestId(`token-${id}`) as HTMLInputElement,
    );
    await waitFor(() => expect(locked(fields[0]!)).toBe(true));
    for (const field of fields) {
      expect(locked(field)).toBe(true);
      field.focus();
      expect(document.activeElement).toBe(field);
      expect(document.getElementById(field.getAttribute('aria-describedby') ?? '')?.textContent).toBe(note.textContent);
    }
    const [title, status, , dense] = fields;
    fireEvent.change(status!, { target: { value: 'done' } });
    fireEvent.click(dense!);
    fireEvent.change(title!, { target: { value: 'Mine' } });
    fireEvent.blur(title!);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(session.gateway.commands).toEqual([]);
  });

  it('[CONTRACT 6] a role that may change some tokens gets the reason beside each read-only one', async () => {
    renderRecorded(<TokenPanel />, {
      canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST })],
      lens: {
        roles: {
          designer: {
            tokens: { read: ['*'], write: ['style.*'] },
            state: { read: ['*'], write: [] },
            sidecars: { see: false, resolve: false },
            commands: ['token.*'],
          },
        },
        default_role: 'designer',
      },
      actor: { id: 'dee', roles: ['designer'] },
    });
    const accent = (await screen.findByTestId('token-style.accent')) as HTMLInputElement;
    const title = (await screen.findByTestId('token-plan.title')) as HTMLInputElement;
    await waitFor(() => expect(locked(title)).toBe(true));
    expect(locked(accent)).toBe(false);
    expect(screen.queryByTestId('tokens-readonly')).toBeNull();
    expect(document.body.textContent).toContain('your role (designer) may not change plan.title');
  });

  it('[CONTRACT 5] a write becomes token.set and the streamed patch updates the field', async () => {
    const { session } = renderRecorded(<TokenPanel />, {
      canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST })],
      actor: { id: 'ed', roles: ['editor'] },
    });
    const status = (await screen.findByTestId('token-plan.status')) as HTMLSelectElement;
    await waitFor(() => expect(locked(status)).toBe(false));
    fireEvent.change(status, { target: { value: 'done' } });
    await waitFor(() => expect(session.transport.tokens['plan.status']).toBe('done'));
    expect(session.gateway.commands).toEqual([
      expect.objectContaining({ type: 'token.set', payload: { token_id: 'plan.status', value: 'done' } }),
    ]);
    expect(status.value).toBe('done');
  });

  it('[CONTRACT 3] a refused write shows the reason and leaves the value as it was', async () => {
    const { session } = renderRecorded(<TokenPanel />, {
      canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST, tokens: { 'plan.title': 'Old' } })],
      refuse: { 'token.set': { code: 'forbidden', message: 'the lens changed: you may not write plan.title' } },
    });
    const title = (await screen.findByTestId('token-plan.title')) as HTMLInputElement;
    fireEvent.change(title, { target: { value: 'New' } });
    fireEvent.blur(title);
    const error = await screen.findByTestId('token-error');
    expect(error.textContent).toContain('the lens changed: you may not write plan.title');
    expect(error.textContent).toContain('forbidden');
    expect(session.transport.tokens['plan.title']).toBe('Old');
  });

  it('[CONTRACT 5] a value the declaration refuses is not sent, and the reason is shown', async () => {
    const { session } = renderRecorded(<TokenPanel />, { canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST })] });
    const count = (await screen.findByTestId('token-plan.count')) as HTMLInputElement;
    fireEvent.change(count, { target: { value: '-5' } });
    fireEvent.keyDown(count, { key: 'Enter' });
    expect((await screen.findByTestId('token-error')).textContent).toContain('validation_failed');
    expect(session.gateway.commands).toEqual([]);
  });

  it('[CONTRACT 5] text that is not JSON in a json token is not sent (it was saved as a string), and the reason is shown', async () => {
    const { session } = renderRecorded(<TokenPanel />, { canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST })] });
    const columns = (await screen.findByTestId('token-board.columns')) as HTMLTextAreaElement;
    await waitFor(() => expect(locked(columns)).toBe(false));
    fireEvent.change(columns, { target: { value: '{not json' } });
    fireEvent.blur(columns);
    const error = await screen.findByTestId('token-error');
    expect(error.textContent).toMatch(/^Not saved: not valid JSON \(.+\) \(validation_failed\)$/);
    expect(error.id).toBe(columns.getAttribute('aria-describedby'));
    expect(session.gateway.commands).toEqual([]);
    // Fixed, it is sent and the reason goes away.
    fireEvent.change(columns, { target: { value: '["now","next"]' } });
    fireEvent.blur(columns);
    await waitFor(() => expect(session.transport.tokens['board.columns']).toEqual(['now', 'next']));
    expect(screen.queryByTestId('token-error')).toBeNull();
  });
});
