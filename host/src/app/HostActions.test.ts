// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { createElement, useEffect, useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTORS, type ActorId } from '../actors/actors.ts';
import type { Flow } from '../flows/flowSchema.ts';
import type { HostLocation } from '../location/hostLocation.ts';
import { HostActions } from './HostActions.tsx';

const FLOW: Flow = {
  name: 'demo',
  template: 'studio',
  project_id: 'demo',
  canvases: [{ canvas_id: 'demo-board', canvas_type: 'board', title: 'Board' }],
};

afterEach(cleanup);

const active = () => (document.activeElement as HTMLElement | null)?.dataset.testid ?? null;
const items = () => screen.getAllByRole('menuitem').map((el) => el.dataset.testid);

function Actions(props: { actor?: ActorId; navigate?: (next: Partial<HostLocation>) => void }) {
  const actor = props.actor ?? 'director';
  return createElement(HostActions, {
    flows: [FLOW],
    location: { actor, flow: FLOW.name, canvas: null, user: null },
    actor,
    navigate: props.navigate ?? (() => {}),
  });
}

/**
 * What the host does when the actor changes: the session view is keyed by actor, so everything
 * remounts; it first shows a loading frame with its own actions, then the flow with new ones (the
 * two sit in different places of the tree, as `HostFrame` and the template's top bar do).
 */
function Session(props: { actor: ActorId; navigate: (next: Partial<HostLocation>) => void }) {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setReady(true), 5);
    return () => clearTimeout(timer);
  }, []);
  return ready
    ? createElement('main', null, createElement('header', null, createElement(Actions, props)))
    : createElement('section', null, createElement(Actions, props));
}

function Routed() {
  const [actor, setActor] = useState<ActorId>('director');
  return createElement(Session, {
    key: actor,
    actor,
    navigate: (next) => {
      if (next.actor) setActor(next.actor);
    },
  });
}

describe('the actor menu follows the WAI-ARIA menu button pattern', () => {
  it('Enter opens it on the first item; Up/Down wrap, Home/End jump; items are not Tab stops', () => {
    render(createElement(Actions));
    const button = screen.getByTestId('host-actor');
    button.focus();
    fireEvent.click(button, { detail: 0 }); // what Enter or Space on a button does
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(items()).toEqual([
      'host-open-planner',
      'host-open-viewer',
      'host-open-agent',
      'host-switch-planner',
      'host-switch-viewer',
      'host-switch-agent',
    ]);
    expect(screen.getAllByRole('menuitem').every((el) => el.tabIndex === -1)).toBe(true);
    expect(active()).toBe('host-open-planner');
    const menu = screen.getByRole('menu');
    fireEvent.keyDown(menu, { key: 'ArrowDown' });
    expect(active()).toBe('host-open-viewer');
    fireEvent.keyDown(menu, { key: 'End' });
    expect(active()).toBe('host-switch-agent');
    fireEvent.keyDown(menu, { key: 'ArrowDown' });
    expect(active()).toBe('host-open-planner');
    fireEvent.keyDown(menu, { key: 'ArrowUp' });
    expect(active()).toBe('host-switch-agent');
    fireEvent.keyDown(menu, { key: 'ArrowUp' });
    expect(active()).toBe('host-switch-viewer');
    fireEvent.keyDown(menu, { key: 'Home' });
    expect(active()).toBe('host-open-planner');
  });

  it('ArrowUp on the button opens on the last item, ArrowDown on the first; a mouse click moves no focus', () => {
    render(createElement(Actions));
    const button = screen.getByTestId('host-actor');
    button.focus();
    fireEvent.keyDown(button, { key: 'ArrowUp' });
    expect(active()).toBe('host-switch-agent');
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(active()).toBe('host-actor');
    fireEvent.keyDown(button, { key: 'ArrowDown' });
    expect(active()).toBe('host-open-planner');
    fireEvent.keyDown(document.activeElement!, { key: 'Tab' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(active()).toBe('host-actor');
    fireEvent.click(button, { detail: 1 });
    expect(screen.getByRole('menu')).toBeTruthy();
    expect(active()).toBe('host-actor');
  });

  it('after “Become …” focus lands on the remounted session’s actor button, not on <body>', async () => {
    render(createElement(Routed));
    await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
    const button = screen.getByTestId('host-actor');
    fireEvent.click(button, { detail: 1 });
    screen.getByTestId('host-switch-viewer').focus();
    expect(active()).toBe('host-switch-viewer');
    fireEvent.click(document.activeElement!, { detail: 0 }); // Enter on the item
    // The loading frame's button, then the flow's.
    expect(screen.getByTestId('host-actor').dataset.actor).toBe('viewer');
    expect(active()).toBe('host-actor');
    await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
    expect(screen.getByTestId('host-actor').closest('header')).not.toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId('host-actor'));
    expect(screen.getByTestId('host-actor').dataset.actor).toBe('viewer');
  });
});

/** The roles a WAI-ARIA `menu` may own (its items, or groups of them). */
const MENU_CHILD_ROLES = ['menuitem', 'menuitemradio', 'menuitemcheckbox', 'group'];

describe('the actor menu holds only groups of items (WAI-ARIA menu pattern, axe aria-required-children)', () => {
  it('two labelled groups of items; the actor summary describes the menu; no text of its own role in it', () => {
    render(
      createElement(HostActions, {
        flows: [FLOW],
        location: { actor: 'viewer', flow: FLOW.name, canvas: null, user: null },
        actor: 'viewer',
        navigate: () => {},
      }),
    );
    fireEvent.click(screen.getByTestId('host-actor'), { detail: 1 });
    const menu = screen.getByRole('menu', { name: 'Actor' });
    expect(document.getElementById(menu.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      ACTORS.viewer.summary,
    );
    const groups = within(menu).getAllByRole('group');
    expect(groups.map((g) => document.getElementById(g.getAttribute('aria-labelledby') ?? '')?.textContent)).toEqual([
      'Collaborate: open another actor in a new tab',
      'Switch this tab',
    ]);
    expect(
      within(groups[0]!)
        .getAllByRole('menuitem')
        .map((el) => el.dataset.testid),
    ).toEqual(['host-open-director', 'host-open-planner', 'host-open-agent']);
    expect(
      within(groups[1]!)
        .getAllByRole('menuitem')
        .map((el) => el.dataset.testid),
    ).toEqual(['host-switch-director', 'host-switch-planner', 'host-switch-agent']);
    // Whatever else is in the menu has no role (its text is a description or a group's label).
    for (const el of menu.querySelectorAll('*')) {
      expect(el.tagName).not.toBe('P');
      const role = el.getAttribute('role');
      if (role !== null) expect(MENU_CHILD_ROLES).toContain(role);
    }
  });
});
