import type { ReactNode } from 'react';
import { ACTORS, type ActorId } from '../actors/actors.ts';
import { EaselMark } from './EaselMark.tsx';

/**
 * The host's own frame for screens without a session (picker, loading, errors): the same top bar
 * look as the harness's TopPill, so moving into a flow does not jump.
 */
export function HostFrame(props: { title?: string; actor?: ActorId | null; actions?: ReactNode; children: ReactNode }) {
  const actor = props.actor ? ACTORS[props.actor] : null;
  return (
    <div className="host-frame">
      <header className="host-bar">
        <EaselMark />
        {props.title ? <span className="host-bar__title">{props.title}</span> : null}
        <span className="host-bar__spacer" />
        {actor ? (
          <span className="host-chip" data-testid="host-actor">
            <span className="host-chip__dot" style={{ background: actor.color }} aria-hidden="true" />
            {actor.name} · {actor.id}
          </span>
        ) : null}
        {props.actions}
      </header>
      <main className="host-frame__body">{props.children}</main>
    </div>
  );
}
