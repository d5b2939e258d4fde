import type { ReactNode } from 'react';
import { useCanvasMeta } from '../hooks/useCanvasMeta.ts';
import { useConnectionStatus } from '../hooks/useConnectionStatus.ts';
import { useLens } from '../hooks/useLens.ts';
import { usePresence } from '../hooks/usePresence.ts';
import { useTransport } from '../hooks/useTransport.ts';
import { StatusMessage } from './StatusMessage.tsx';

export interface ContextPanelProps {
  /** Heading. Default "Context". */
  title?: string;
  /** Extra rows (flow description, agent prompt, ...). */
  children?: ReactNode;
  className?: string;
}

function list(globs: readonly string[]): string {
  if (globs.length === 0) return 'nothing';
  if (globs.includes('*')) return 'everything';
  return globs.join(', ');
}

/** What this canvas is and what you may do on it: type, revision, your roles and rights, who is here. */
export function ContextPanel(props: ContextPanelProps): ReactNode {
  const meta = useCanvasMeta();
  const status = useConnectionStatus();
  const lens = useLens();
  const { peers } = usePresence();
  const transport = useTransport();
  const agents = peers.filter((p) => p.actor.kind === 'agent').length;
  return (
    <section
      className={`ez-panel ez-context${props.className ? ` ${props.className}` : ''}`}
      aria-label="Canvas context"
    >
      <header className="ez-panel__header">
        <h2 className="ez-panel__title">{props.title ?? 'Context'}</h2>
      </header>
      {!meta.ready ? (
        <StatusMessage
          kind={status === 'offline' ? 'offline' : 'loading'}
          title={status === 'offline' ? 'Offline' : 'Loading…'}
        />
      ) : (
        <dl className="ez-facts">
          <dt>Canvas</dt>
          <dd>
            {meta.manifest?.title ?? meta.canvasType} <code>{meta.canvasId}</code>
          </dd>
          <dt>Revision</dt>
          <dd data-testid="canvas-revision">{meta.revision ?? '—'}</dd>
          <dt>Project</dt>
          <dd>
            <code>{transport.scope.project_id}</code> · {transport.scope.mode}
          </dd>
          <dt>Here now</dt>
          <dd>
            {peers.length === 0 ? 'only you' : `${peers.length} other${peers.length === 1 ? '' : 's'}`}
            {agents > 0 ? ` (${agents} agent${agents === 1 ? '' : 's'})` : ''}
          </dd>
          <dt>Your roles</dt>
          <dd>
            {lens.status === 'loading'
              ? 'checking…'
              : lens.me
                ? lens.me.roles.join(', ') || 'none'
                : `unknown (${lens.error?.message ?? 'no lens'})`}
          </dd>
          {lens.me ? (
            <>
              <dt>You may edit</dt>
              <dd>{list(lens.me.permissions.state.write)}</dd>
              <dt>Tokens you may change</dt>
              <dd>{list(lens.me.permissions.tokens.write)}</dd>
            </>
          ) : null}
        </dl>
      )}
      {props.children}
    </section>
  );
}
