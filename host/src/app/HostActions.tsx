import { Icon } from '@easel/harness';
import { useId } from 'react';
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
 * The menu holds only its items, in two labelled groups (`role="group"`, `aria-labelledby`); the
 * actor's summary above them describes the menu (`aria-describedby`).
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
  const ids = { hint: useId(), open: useId(), switch: useId() };
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
            aria-describedby={ids.hint}
            ref={menu.panel}
            onKeyDown={menu.onPanelKeyDown}
          >
            <div id={ids.hint} className="host-menu__hint">
              {profile.summary}
            </div>
            {/* biome-ignore lint/a11y/useSemanticElements: a menu's group (WAI-ARIA menu pattern), not a form's fieldset */}
            <div role="group" aria-labelledby={ids.open} style={GROUP_STYLE}>
              <div id={ids.open} className="host-menu__label">
                Collaborate: open another actor in a new tab
              </div>
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
                  <Icon name="external" className="host-menu__kbd" />
                </a>
              ))}
            </div>
            {/* biome-ignore lint/a11y/useSemanticElements: a menu's group (WAI-ARIA menu pattern), not a form's fieldset */}
            <div role="group" aria-labelledby={ids.switch} style={GROUP_STYLE}>
              <div id={ids.switch} className="host-menu__label">
                Switch this tab
              </div>
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
          </div>
        ) : null}
      </div>
    </div>
  );
}

/** A group lays its label and items out as the panel does (a column, 2 px apart), so grouping moves nothing. */
const GROUP_STYLE = { display: 'flex', flexDirection: 'column', gap: 2 } as const;
