import { canSendCommand, Icon, ReasonButton, useLens, useTurns } from '@easel/harness';
import { useId, useState } from 'react';

/**
 * The flow's suggested agent prompt as one click: sends `chat.send` on the canvas of the
 * surrounding provider, then follows the turn (its status, or why it was refused). Off, with
 * the reason, for a role whose lens may not chat (as the chat rail is): the button stays
 * focusable (`aria-disabled`) and is described by the reason, which is written under it, or in
 * compact mode (the top bar) shown beside it on focus, hover or a press.
 */
export function AgentPrompt(props: { prompt: string; agentName?: string | undefined; compact?: boolean }) {
  const { turns, send } = useTurns();
  const lens = useLens();
  const mayChat = lens.me === null || canSendCommand(lens.me.permissions, 'chat.send');
  const [sending, setSending] = useState(false);
  const [turnId, setTurnId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const turn = turnId === null ? null : (turns.find((t) => t.turnId === turnId) ?? null);
  const name = props.agentName ?? 'the agent';
  const reasonId = useId();
  const why = mayChat ? null : `Your role may not ask ${name}.`;
  const ask = async () => {
    setSending(true);
    setError(null);
    const sent = await send(props.prompt);
    setSending(false);
    if (sent.ok) setTurnId(sent.value.turn_id);
    else setError(`${sent.error.message} (${sent.error.code})`);
  };
  return (
    <div className={`host-agent${props.compact ? ' host-agent--compact' : ''}`}>
      {props.compact ? null : <p className="host-agent__label">Try asking {name}</p>}
      <ReasonButton
        className="host-agent__button"
        data-testid="host-agent-prompt"
        reason={why}
        busy={sending}
        reasonTestId="host-agent-reason"
        reasonShownAt={props.compact ? undefined : reasonId}
        aria-busy={sending || undefined}
        title={why === null ? `Send “${props.prompt}” to ${name}` : undefined}
        onClick={() => void ask()}
      >
        <Icon name="sparkle" className="host-agent__icon" />
        <span className="host-agent__text">{props.compact ? `Ask ${name}` : `“${props.prompt}”`}</span>
      </ReasonButton>
      {why !== null && !props.compact ? (
        <p id={reasonId} className="host-agent__status" data-testid="host-agent-refused">
          {why}
        </p>
      ) : null}
      {turn ? (
        <p className="host-agent__status" role="status" data-testid="host-agent-status">
          {turn.status === 'committed'
            ? `${name} applied it`
            : turn.status === 'failed'
              ? `${name} could not apply it`
              : turn.status === 'cancelled'
                ? 'Cancelled'
                : `${name} is working…`}
        </p>
      ) : null}
      {error ? (
        <p className="host-agent__error" role="alert" data-testid="host-agent-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
