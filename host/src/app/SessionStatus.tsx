import type { ReactNode } from 'react';
import type { HostError } from '../bootstrap/HostError.ts';
import type { SessionStep } from '../session/openFlowSession.ts';

const STEP_TEXT: Record<SessionStep, string> = {
  'actor-token': 'Signing you in…',
  'prepare-flow': 'Preparing the flow’s canvases…',
  transports: 'Connecting to the live stream…',
};

const STEPS: readonly SessionStep[] = ['actor-token', 'prepare-flow', 'transports'];

/** The loading state: which bootstrap step runs, as a short checklist. */
export function SessionLoading(props: { step: SessionStep | null; flowTitle: string }) {
  const index = props.step === null ? -1 : STEPS.indexOf(props.step);
  return (
    <section className="host-panel host-loading" aria-busy="true" data-testid="host-loading">
      <div className="host-spinner" aria-hidden="true" />
      <h1>Opening {props.flowTitle}</h1>
      <ol className="host-steps">
        {STEPS.map((step, i) => (
          <li key={step} className={i < index ? 'is-done' : i === index ? 'is-active' : ''}>
            {STEP_TEXT[step]}
          </li>
        ))}
      </ol>
    </section>
  );
}

const ERROR_TITLE: Record<HostError['code'], string> = {
  dev_mode_off: 'This gateway is not in dev mode',
  network: 'The gateway does not answer',
  refused: 'The gateway refused',
  protocol: 'Unexpected answer from the gateway',
  canvas_missing: 'This canvas does not exist yet',
};

/** The error state: what went wrong, what to do, and a retry. */
export function SessionError(props: {
  error: HostError;
  /** Replaces the title derived from the error code. */
  title?: string;
  onRetry?: () => void;
  children?: ReactNode;
}) {
  const { error } = props;
  return (
    <section className="host-panel host-error" role="alert" data-testid="host-error" data-code={error.code}>
      <span className="host-error__icon" aria-hidden="true">
        !
      </span>
      <h1>{props.title ?? ERROR_TITLE[error.code]}</h1>
      <p className="host-error__message">{error.message}</p>
      {error.code === 'dev_mode_off' || error.code === 'network' ? (
        <p className="host-muted">
          Start everything with <code>pnpm easel dev</code> and open the URL it prints.
        </p>
      ) : null}
      {props.children}
      {props.onRetry ? (
        <button type="button" className="host-button" data-testid="host-retry" onClick={props.onRetry}>
          Try again
        </button>
      ) : null}
    </section>
  );
}
