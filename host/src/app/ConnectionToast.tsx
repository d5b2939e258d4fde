import { useConnectionStatus } from '@easel/harness';
import { useEffect } from 'react';
import { withConnectionNote } from './documentTitle.ts';

const MESSAGES: Partial<Record<string, { title: string; text: string; tone: 'warn' | 'danger' }>> = {
  reconnecting: { title: 'Reconnecting…', text: 'The live stream dropped; your edits are kept.', tone: 'warn' },
  offline: {
    title: 'Offline',
    text: 'The gateway cannot be reached. Easel keeps trying and sends your edits when it is back.',
    tone: 'warn',
  },
  unauthorized: {
    title: 'Signed out',
    text: 'Your dev token was refused. Reload the page to mint a new one.',
    tone: 'danger',
  },
  forbidden: { title: 'No access', text: 'Your role may not open this canvas.', tone: 'danger' },
};

/**
 * A calm floating notice while the main canvas's connection is not live (nothing when it is). The
 * tab's title says it too (`Offline · …`), so a tab in the background shows it is not live.
 */
export function ConnectionToast() {
  const status = useConnectionStatus();
  const message = MESSAGES[status];
  const note = message?.title ?? null;
  useEffect(() => {
    if (note === null) return;
    const base = document.title;
    document.title = withConnectionNote(note, base);
    return () => {
      if (document.title === withConnectionNote(note, base)) document.title = base;
    };
  }, [note]);
  if (!message) return null;
  return (
    <div
      className={`host-toast host-toast--${message.tone}`}
      role="status"
      data-testid="host-offline"
      data-status={status}
    >
      <strong>{message.title}</strong> <span>{message.text}</span>
    </div>
  );
}
