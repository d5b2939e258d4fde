import {
  type FormEvent,
  type KeyboardEvent,
  type ReactNode,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { canSendCommand } from '../api/effectivePermissions.ts';
import { rolesLabel } from '../api/rolesLabel.ts';
import { useConnectionStatus } from '../hooks/useConnectionStatus.ts';
import { useLens } from '../hooks/useLens.ts';
import { useTurns } from '../hooks/useTurns.ts';
import type { TurnView } from '../stores/reduceTurns.ts';
import { ReasonButton } from './ReasonButton.tsx';
import { StatusMessage } from './StatusMessage.tsx';

export interface ChatRailProps {
  /** Heading. Default "Agent". */
  title?: string;
  /** Input placeholder. */
  placeholder?: string;
  className?: string;
}

const STATUS_LABEL: Record<TurnView['status'], string> = {
  accepted: 'Thinking…',
  streaming: 'Answering…',
  answered: 'Applying…',
  committed: 'Applied',
  failed: 'Refused',
  cancelled: 'Cancelled',
};

function CommitOutcome({ turn }: { turn: TurnView }): ReactNode {
  if (turn.commit?.ok) {
    return (
      <p className="ez-outcome ez-outcome--ok" data-testid="commit-outcome">
        Applied to the canvas at revision {turn.commit.revision}.
      </p>
    );
  }
  if (turn.commit && !turn.commit.ok) {
    return (
      <p className="ez-outcome ez-outcome--failed" data-testid="commit-outcome" role="alert">
        Nothing was applied: {turn.commit.message} <code>({turn.commit.code})</code>
      </p>
    );
  }
  if (turn.status === 'cancelled') {
    return (
      <p className="ez-outcome ez-outcome--cancelled" data-testid="commit-outcome">
        Cancelled{turn.cancelReason && !/^cancel(l)?ed$/i.test(turn.cancelReason) ? `: ${turn.cancelReason}` : ''}.
        Nothing of this turn was applied.
      </p>
    );
  }
  return null;
}

/**
 * Cancel of the running turn. It goes away once the turn ends (cancelled, or answered): if it had
 * the focus then, `onGone` moves it on (focus would drop to the page otherwise).
 */
function CancelButton(props: { onCancel(): void; onGone(): void }): ReactNode {
  const button = useRef<HTMLButtonElement>(null);
  const gone = useRef(props.onGone);
  gone.current = props.onGone;
  useLayoutEffect(() => {
    const el = button.current;
    // Runs before the button leaves the document, while it still holds the focus.
    return () => {
      if (el !== null && el.ownerDocument.activeElement === el) gone.current();
    };
  }, []);
  return (
    <button
      ref={button}
      type="button"
      className="ez-button ez-button--ghost ez-button--small"
      data-testid="chat-cancel"
      onClick={props.onCancel}
    >
      Cancel
    </button>
  );
}

/**
 * The agent conversation on this canvas: streamed turns, the model's status, cancel while a
 * turn runs, and each turn's commit outcome.
 */
export function ChatRail(props: ChatRailProps): ReactNode {
  const { turns, active, send, cancel } = useTurns();
  const status = useConnectionStatus();
  const lens = useLens();
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();
  const reasonId = `${inputId}-reason`;
  const input = useRef<HTMLTextAreaElement>(null);
  const mayChat = lens.me === null || canSendCommand(lens.me.permissions, 'chat.send');
  const why =
    mayChat || lens.me === null ? null : `Your role (${rolesLabel(lens.me.roles)}) may not chat with the agent here.`;
  const list = useRef<HTMLOListElement>(null);
  const last = turns.at(-1);
  // Keep the newest turn in view while it streams, unless the reader scrolled up.
  useEffect(() => {
    const el = list.current;
    if (el && last && el.scrollHeight - el.scrollTop - el.clientHeight < 120) el.scrollTop = el.scrollHeight;
  }, [last]);

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (sending || why !== null || text.trim() === '') return;
    setSending(true);
    setError(null);
    const result = await send(text);
    setSending(false);
    if (result.ok) setText('');
    else setError(`${result.error.message} (${result.error.code})`);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    }
  };

  return (
    <section className={`ez-panel ez-chat${props.className ? ` ${props.className}` : ''}`} aria-label="Agent chat">
      <header className="ez-panel__header">
        <h2 className="ez-panel__title">{props.title ?? 'Agent'}</h2>
        {active?.model ? (
          <span className="ez-badge" title={active.model.detail ?? undefined}>
            {active.model.name} · {active.model.status}
          </span>
        ) : null}
      </header>
      <ol ref={list} className="ez-chat__turns" aria-live="polite" aria-relevant="additions text">
        {turns.length === 0 ? (
          <li className="ez-chat__empty">
            <StatusMessage kind="empty" title="No turns yet">
              Ask the agent to change the canvas; its answer streams here and its edits appear live.
            </StatusMessage>
          </li>
        ) : null}
        {turns.map((turn) => (
          <li key={turn.turnId} className={`ez-turn ez-turn--${turn.status}`} data-testid={`turn-${turn.turnId}`}>
            {turn.prompt ? <p className="ez-turn__prompt">{turn.prompt}</p> : null}
            <div className="ez-turn__meta">
              <span className={`ez-dot ez-dot--${turn.status}`} aria-hidden="true" />
              <span>{STATUS_LABEL[turn.status]}</span>
              {turn === active ? (
                <CancelButton
                  onCancel={() => {
                    setError(null);
                    void cancel(turn.turnId).then((result) => {
                      if (!result.ok) setError(`Not cancelled: ${result.error.message} (${result.error.code})`);
                    });
                  }}
                  onGone={() => input.current?.focus()}
                />
              ) : null}
            </div>
            {turn.output ? <p className="ez-turn__output">{turn.output}</p> : null}
            <CommitOutcome turn={turn} />
          </li>
        ))}
      </ol>
      <form className="ez-chat__form" onSubmit={(e) => void submit(e)}>
        <label htmlFor={inputId} className="ez-visually-hidden">
          Message to the agent
        </label>
        {/* Off for a role that may not chat: read-only, not disabled, so it can be reached and says why. */}
        <textarea
          ref={input}
          id={inputId}
          className="ez-input ez-chat__input"
          data-testid="chat-input"
          rows={2}
          value={text}
          placeholder={why === null ? (props.placeholder ?? 'Ask the agent…  (Enter to send)') : undefined}
          readOnly={why !== null}
          aria-disabled={why !== null || undefined}
          aria-describedby={why !== null ? reasonId : undefined}
          onChange={(e) => {
            setText(e.target.value);
            // The refusal was about the text as sent: it is stale once the text changes.
            setError(null);
          }}
          onKeyDown={onKeyDown}
        />
        <ReasonButton
          type="submit"
          className="ez-button ez-button--primary"
          data-testid="chat-send"
          reason={why}
          reasonShownAt={reasonId}
          busy={sending || text.trim() === ''}
        >
          {sending ? 'Sending…' : 'Send'}
        </ReasonButton>
      </form>
      {why !== null ? (
        <p id={reasonId} className="ez-hint" data-testid="chat-refused">
          {why}
        </p>
      ) : null}
      {status === 'offline' ? (
        <p className="ez-hint" role="status">
          Offline: messages are sent when the gateway is back.
        </p>
      ) : null}
      {error ? (
        <p className="ez-error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
