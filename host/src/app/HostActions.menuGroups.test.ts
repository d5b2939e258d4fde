// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { createElement } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTORS } from '../actors/actors.ts';
import type { Flow } from '../flows/flowSchema.ts';
import { HostActions } from './HostActions.tsx';

const FLOW: Flow = {
  name: 'demo',
  template: 'studio',
  project_id: 'demo',
  canvases: [{ canvas_id: 'demo-board', canvas_type: 'board', title: 'Board' }],
};

afterEach(cleanup);

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
