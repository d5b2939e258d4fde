import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon.tsx';

export interface StatusMessageProps {
  /** `empty`, `loading`, `offline`, `error` or `refused`: sets the icon, colour and ARIA role. */
  kind: 'empty' | 'loading' | 'offline' | 'error' | 'refused';
  title: string;
  /** What happened and what to do. */
  children?: ReactNode;
  /** An action (e.g. a Retry button). */
  action?: ReactNode;
}

const ICON: Record<StatusMessageProps['kind'], IconName> = {
  empty: 'empty',
  loading: 'loading',
  offline: 'offline',
  error: 'error',
  refused: 'refused',
};

/** The one way surfaces show empty, loading, offline, refused and error states. */
export function StatusMessage(props: StatusMessageProps): ReactNode {
  const urgent = props.kind === 'error' || props.kind === 'refused';
  return (
    <div
      className={`ez-status ez-status--${props.kind}`}
      role={urgent ? 'alert' : 'status'}
      aria-busy={props.kind === 'loading' || undefined}
    >
      <span className="ez-status__icon" aria-hidden="true">
        <Icon name={ICON[props.kind]} size="16px" />
      </span>
      <div className="ez-status__body">
        <p className="ez-status__title">{props.title}</p>
        {props.children ? <p className="ez-status__text">{props.children}</p> : null}
        {props.action ? <div className="ez-status__action">{props.action}</div> : null}
      </div>
    </div>
  );
}
