import { useEffect, useRef, useState } from 'react';
import { ACTOR_IDS, ACTORS, type ActorId } from '../actors/actors.ts';
import type { Flow } from '../flows/flowSchema.ts';
import type { HostLocation } from '../location/hostLocation.ts';
import { hostHref } from './useHostLocation.ts';

/**
 * The host's controls in the template's top bar: the flow switcher and the actor menu (switch in
 * this tab, or open another actor in a new tab to collaborate).
 */
export function HostActions(props: {
  flows: readonly Flow[];
  location: HostLocation;
  actor: ActorId;
  navigate: (next: Partial<HostLocation>, replace?: boolean) => void;
}) {
  const { flows, location, actor } = props;
  const profile = ACTORS[actor];
  const [open, setOpen] = useState(false);
  const menu = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (event instanceof KeyboardEvent) {
        if (event.key !== 'Escape') return;
        // Escape from inside the menu: its items go away, so focus goes back to the button
        // (not to <body>, which would send a keyboard user back to the top of the page).
        if (menu.current?.contains(document.activeElement)) trigger.current?.focus();
        setOpen(false);
      } else if (!menu.current?.contains(event.target as Node)) {
        setOpen(false);
      }
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);
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
      <div className="host-menu" ref={menu}>
        <button
          ref={trigger}
          type="button"
          className="host-chip host-chip--button"
          aria-haspopup="menu"
          aria-expanded={open}
          data-testid="host-actor"
          data-actor={actor}
          onClick={() => setOpen((v) => !v)}
        >
          <span className="host-chip__dot" style={{ background: profile.color }} aria-hidden="true" />
          {location.user ?? profile.name}
          <span className="host-chip__role">{actor}</span>
        </button>
        {open ? (
          <div className="host-menu__panel" role="menu">
            <p className="host-menu__hint">{profile.summary}</p>
            <p className="host-menu__label">Collaborate: open another actor in a new tab</p>
            {ACTOR_IDS.filter((id) => id !== actor).map((id) => (
              <a
                key={id}
                role="menuitem"
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
                className="host-menu__item"
                data-testid={`host-switch-${id}`}
                onClick={() => {
                  setOpen(false);
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
