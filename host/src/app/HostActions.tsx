import { ACTOR_IDS, ACTORS, type ActorId } from '../actors/actors.ts';
import type { Flow } from '../flows/flowSchema.ts';
import type { HostLocation } from '../location/hostLocation.ts';
import { hostHref } from './useHostLocation.ts';
import { useMenuButton } from './useMenuButton.ts';

/**
 * The host's controls in the template's top bar: the flow switcher and the actor menu (switch in
 * this tab, or open another actor in a new tab to collaborate). The actor menu follows the
 * WAI-ARIA menu button pattern ({@link useMenuButton}): arrow keys, Home and End move between
 * items, Escape closes it, and after "Become …" focus lands on the new session's actor button.
 */
export function HostActions(props: {
  flows: readonly Flow[];
  location: HostLocation;
  actor: ActorId;
  navigate: (next: Partial<HostLocation>, replace?: boolean) => void;
}) {
  const { flows, location, actor } = props;
  const profile = ACTORS[actor];
  const menu = useMenuButton('host-actor');
  return (
    <div className="host-actions">
      <label className="host-select">
        <span className="ez-visually-hidden">Flow</span>
        <select
          value={location.flow}
          data-testid="host-flow-select"
          onChange={(event) => props.navigate({ flow: event.target.value, canvas: null })}
        >
          {flows.map((flow) => (
            <option key={flow.name} value={flow.name}>
              {flow.title ?? flow.name}
            </option>
          ))}
        </select>
      </label>
      <div className="host-menu" ref={menu.root}>
        <button
          ref={menu.trigger}
          type="button"
          className="host-chip host-chip--button"
          aria-haspopup="menu"
          aria-expanded={menu.open}
          data-testid="host-actor"
          data-actor={actor}
          onClick={menu.onTriggerClick}
          onKeyDown={menu.onTriggerKeyDown}
        >
          <span className="host-chip__dot" style={{ background: profile.color }} aria-hidden="true" />
          {location.user ?? profile.name}
          <span className="host-chip__role">{actor}</span>
        </button>
        {menu.open ? (
          <div
            className="host-menu__panel"
            role="menu"
            aria-label="Actor"
            ref={menu.panel}
            onKeyDown={menu.onPanelKeyDown}
          >
            <p className="host-menu__hint">{profile.summary}</p>
            <p className="host-menu__label">Collaborate: open another actor in a new tab</p>
            {ACTOR_IDS.filter((id) => id !== actor).map((id) => (
              <a
                key={id}
                role="menuitem"
                tabIndex={-1}
                className="host-menu__item"
                href={hostHref({ ...location, actor: id, user: null })}
                target="_blank"
                rel="noopener"
                data-testid={`host-open-${id}`}
              >
                <span className="host-chip__dot" style={{ background: ACTORS[id].color }} aria-hidden="true" />
                {ACTORS[id].name} <span className="host-chip__role">{id}</span>
                <span className="host-menu__kbd" aria-hidden="true">
                  ↗
                </span>
              </a>
            ))}
            <p className="host-menu__label">Switch this tab</p>
            {ACTOR_IDS.filter((id) => id !== actor).map((id) => (
              <button
                key={id}
                type="button"
                role="menuitem"
                tabIndex={-1}
                className="host-menu__item"
                data-testid={`host-switch-${id}`}
                onClick={() => {
                  // The session remounts for the new actor: its actor button takes focus.
                  menu.handOff();
                  props.navigate({ actor: id, user: null });
                }}
              >
                <span className="host-chip__dot" style={{ background: ACTORS[id].color }} aria-hidden="true" />
                Become {ACTORS[id].name} <span className="host-chip__role">{id}</span>
              </button>
            ))}
          </div>
        ) : null}
      </div>
    </div>
  );
}
