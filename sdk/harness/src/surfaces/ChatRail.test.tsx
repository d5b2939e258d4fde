// @vitest-environment happy-dom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_BOARD_MANIFEST, demoRecording } from '../testing/fixtures.ts';
import { canvasReady, recordedEvent } from '../testing/recordedEvent.ts';
import { cleanupRecorded, renderRecorded } from '../testing/renderRecorded.tsx';
import { ChatRail } from './ChatRail.tsx';

afterEach(cleanupRecorded);

const agent = { id: 'agent', kind: 'agent' as const };

describe('ChatRail', () => {
  it('[CONTRACT 4] shows a recorded turn streamed to its final text and its commit outcome', async () => {
    renderRecorded(<ChatRail />, demoRecording());
    const turn = await screen.findByTestId('turn-turn-1');
    await waitFor(() => expect(within(turn).getByTestId('commit-outcome').textContent).toContain('revision 13'));
    expect(turn.textContent).toContain('Group the notes by theme');
    expect(turn.textContent).toContain('Grouping two notes into Research.');
    expect(screen.queryByTestId('chat-cancel')).toBeNull();
  });

  it('[CONTRACT 5] sends chat.send from the input and streams the agent answer', async () => {
    const { session } = renderRecorded(<ChatRail />, demoRecording({ chatReply: 'Moved three notes.' }));
    await screen.findByTestId('turn-turn-1');
    fireEvent.change(screen.getByTestId('chat-input'), { target: { value: 'Sort by priority' } });
    fireEvent.click(screen.getByTestId('chat-send'));
    await waitFor(() => expect(session.gateway.commands.map((c) => c.type)).toContain('chat.send'));
    expect(session.gateway.commands.find((c) => c.type === 'chat.send')?.payload).toEqual({ text: 'Sort by priority' });
    await waitFor(() => expect(screen.getAllByTestId('commit-outcome')).toHaveLength(2));
    expect(document.body.textContent).toContain('Moved three notes.');
    expect((screen.getByTestId('chat-input') as HTMLTextAreaElement).value).toBe('');
  });

  it('[CONTRACT 5] cancels a running turn with turn.cancel; nothing of it is applied', async () => {
    const by = { actor: agent, turn_id: 'turn-9' };
    const { session } = renderRecorded(<ChatRail />, {
      canvas: [
        canvasReady({ manifest: DEMO_BOARD_MANIFEST }),
        { event: recordedEvent('turn_accepted', { turn_id: 'turn-9', text: 'Rewrite everything' }, by) },
        { event: recordedEvent('chat_token', { turn_id: 'turn-9', index: 0, text: 'Working' }, by) },
      ],
    });
    fireEvent.click(await screen.findByTestId('chat-cancel'));
    await waitFor(() => expect(screen.getByTestId('commit-outcome').textContent).toContain('Cancelled'));
    expect(session.gateway.commands).toEqual([
      expect.objectContaining({ type: 'turn.cancel', payload: { turn_id: 'turn-9' } }),
    ]);
    expect(screen.queryByTestId('chat-cancel')).toBeNull();
  });

  it('[CONTRACT 5] after Cancel the focus goes to the chat input (the button goes away; focus dropped to the page)', async () => {
    const by = { actor: agent, turn_id: 'turn-7' };
    renderRecorded(<ChatRail />, {
      canvas: [
        canvasReady({ manifest: DEMO_BOARD_MANIFEST }),
        { event: recordedEvent('turn_accepted', { turn_id: 'turn-7', text: 'Rewrite everything' }, by) },
        { event: recordedEvent('chat_token', { turn_id: 'turn-7', index: 0, text: 'Working' }, by) },
      ],
    });
    const cancel = await screen.findByTestId('chat-cancel');
    cancel.focus();
    expect(document.activeElement).toBe(cancel);
    fireEvent.click(cancel);
    await waitFor(() => expect(screen.getByTestId('commit-outcome').textContent).toContain('Cancelled'));
    expect(screen.queryByTestId('chat-cancel')).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId('chat-input'));
  });

  it('[CONTRACT 6] a role that may not chat can reach the input and Send, which say why and send nothing', async () => {
    const { session } = renderRecorded(<ChatRail />, {
      canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST })],
      actor: { id: 'vic', roles: ['viewer'] },
    });
    const reason = await screen.findByTestId('chat-refused');
    expect(reason.textContent).toBe('Your role (viewer) may not chat with the agent here.');
    const input = screen.getByTestId('chat-input') as HTMLTextAreaElement;
    const sendButton = screen.getByTestId('chat-send') as HTMLButtonElement;
    for (const el of [input, sendButton]) {
      expect(el.getAttribute('aria-disabled')).toBe('true');
      expect(el.disabled).toBe(false);
      expect(el.getAttribute('aria-describedby')).toBe(reason.id);
      el.focus();
      expect(document.activeElement).toBe(el);
    }
    expect(input.readOnly).toBe(true);
    fireEvent.keyDown(input, { key: 'Enter' });
    fireEvent.click(sendButton);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(session.gateway.commands).toEqual([]);
  });

  it('[CONTRACT 3] a refused send shows the gateway reason and keeps the text', async () => {
    renderRecorded(<ChatRail />, {
      canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST })],
      refuse: { 'chat.send': { code: 'rate_limited', message: 'too many turns: wait a minute' } },
    });
    fireEvent.change(screen.getByTestId('chat-input'), { target: { value: 'hello' } });
    fireEvent.click(screen.getByTestId('chat-send'));
    expect((await screen.findByRole('alert')).textContent).toContain('too many turns: wait a minute');
    expect((screen.getByTestId('chat-input') as HTMLTextAreaElement).value).toBe('hello');
    // Edited, the text is no longer what was refused: the reason goes (it stayed under an empty input).
    fireEvent.change(screen.getByTestId('chat-input'), { target: { value: '' } });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('[CONTRACT 5] a turn cancelled with the bare reason "cancelled" does not say it twice', async () => {
    const by = { actor: agent, turn_id: 'turn-8' };
    renderRecorded(<ChatRail />, {
      canvas: [
        canvasReady({ manifest: DEMO_BOARD_MANIFEST }),
        { event: recordedEvent('turn_accepted', { turn_id: 'turn-8', text: 'Add five notes' }, by) },
        { event: recordedEvent('turn_cancelled', { turn_id: 'turn-8', reason: 'cancelled' }, by) },
      ],
    });
    await waitFor(() =>
      expect(screen.getByTestId('commit-outcome').textContent).toBe('Cancelled. Nothing of this turn was applied.'),
    );
  });

  it('shows the empty state before any turn', async () => {
    renderRecorded(<ChatRail />, { canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST })] });
    expect(await screen.findByText('No turns yet')).toBeTruthy();
  });
});
