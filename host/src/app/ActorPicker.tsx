import { Icon } from '@easel/harness';
import { ACTOR_IDS, ACTORS, type ActorId } from '../actors/actors.ts';
import type { Flow } from '../flows/flowSchema.ts';
import type { HostLocation } from '../location/hostLocation.ts';
import { hostHref } from './useHostLocation.ts';

const TEMPLATE_LABEL: Record<Flow['template'], string> = {
  studio: 'Studio',
  split: 'Split',
  console: 'Console',
};

/** The `?actor=` of the address when it names no actor (a mistyped link), else null. */
function unknownActor(search: string): string | null {
  const raw = new URLSearchParams(search).get('actor');
  return raw !== null && raw !== '' && !(ACTOR_IDS as readonly string[]).includes(raw) ? raw.slice(0, 64) : null;
}

/**
 * The landing screen: choose a flow and who you are. Every choice is a link (the URL is the
 * state), so "open in a new tab" gives a second collaborator. A link naming an actor that does
 * not exist lands here with a note saying so.
 */
export function ActorPicker(props: {
  flows: readonly Flow[];
  location: HostLocation;
  onPick: (actor: ActorId, flow: string) => void;
  onSelectFlow: (flow: string) => void;
}) {
  const { flows, location } = props;
  const current = flows.find((f) => f.name === location.flow) ?? flows[0] ?? null;
  const unknown = unknownActor(window.location.search);
  return (
    <div className="host-picker" data-testid="host-actor-picker">
      <section className="host-picker__intro">
        {unknown !== null ? (
          <p className="host-picker__note" role="alert" data-testid="host-unknown-actor">
            There is no actor “{unknown}” here: pick who you are below ({ACTOR_IDS.join(', ')}).
          </p>
        ) : null}
        <h1>Collaborate on a canvas</h1>
        <p>
          Pick a flow and who you are. Open a second tab as someone else to see each other’s edits and cursors, and ask
          the agent to work on the same canvases.
        </p>
      </section>
      <section aria-labelledby="host-flows-heading" className="host-picker__section">
        <h2 id="host-flows-heading">Flow</h2>
        <div className="host-cards host-cards--flows">
          {flows.map((flow) => {
            const selected = flow.name === current?.name;
            return (
              <button
                key={flow.name}
                type="button"
                aria-pressed={selected}
                className={`host-card host-card--flow${selected ? ' host-card--selected' : ''}`}
                data-testid={`host-flow-${flow.name}`}
                onClick={() => props.onSelectFlow(flow.name)}
              >
                <span className="host-card__eyebrow">{TEMPLATE_LABEL[flow.template]}</span>
                <span className="host-card__title">{flow.title ?? flow.name}</span>
                {flow.description ? <span className="host-card__text">{flow.description}</span> : null}
                <span className="host-card__meta">
                  {flow.canvases.map((c) => c.canvas_type).join(' · ')}
                  {flow.agent ? ' · agent' : ''}
                </span>
              </button>
            );
          })}
        </div>
      </section>
      <section aria-labelledby="host-actors-heading" className="host-picker__section">
        <h2 id="host-actors-heading">You are</h2>
        <div className="host-cards host-cards--actors">
          {ACTOR_IDS.map((id) => {
            const actor = ACTORS[id];
            const href = hostHref({ ...location, actor: id, flow: current?.name ?? location.flow, canvas: null });
            return (
              <a
                key={id}
                className="host-card host-card--actor"
                href={href}
                data-testid={`host-pick-${id}`}
                onClick={(event) => {
                  if (event.metaKey || event.ctrlKey || event.shiftKey || !current) return;
                  event.preventDefault();
                  props.onPick(id, current.name);
                }}
              >
                <span className="host-avatar" style={{ background: actor.color }} aria-hidden="true">
                  {actor.kind === 'agent' ? <Icon name="agent" /> : actor.name[0]}
                </span>
                <span className="host-card__title">
                  {actor.name} <span className="host-card__role">{id}</span>
                </span>
                <span className="host-card__text">{actor.summary}</span>
              </a>
            );
          })}
        </div>
      </section>
    </div>
  );
}
