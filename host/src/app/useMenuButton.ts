import { type KeyboardEvent, type MouseEvent, type RefObject, useEffect, useRef, useState } from 'react';

/**
 * Set when an item of a menu replaced the view the menu lived in (e.g. "Become …" remounts the
 * flow for the new actor): the next menu button to mount with the same `restoreId` takes focus,
 * so a keyboard user is not dropped on `<body>`. Cleared as soon as focus goes anywhere else.
 */
let pendingRestore: string | null = null;

/** Focusable items of the menu panel, in document order. */
function menuItems(panel: HTMLElement | null): HTMLElement[] {
  return panel ? [...panel.querySelectorAll<HTMLElement>('[role="menuitem"]')] : [];
}

/** What {@link useMenuButton} gives the button, the panel and the items. */
export interface MenuButton {
  readonly open: boolean;
  /** The wrapper around button and panel (a click outside it closes the menu). */
  readonly root: RefObject<HTMLDivElement | null>;
  /** The menu button (focus comes back to it on Escape and after {@link MenuButton.handOff}). */
  readonly trigger: RefObject<HTMLButtonElement | null>;
  /** The `role="menu"` element holding the `role="menuitem"` items. */
  readonly panel: RefObject<HTMLDivElement | null>;
  /** The button's `onClick`: toggles; opened from the keyboard (Enter/Space) it focuses the first item. */
  readonly onTriggerClick: (event: MouseEvent<HTMLButtonElement>) => void;
  /** The button's `onKeyDown`: ArrowDown opens on the first item, ArrowUp on the last. */
  readonly onTriggerKeyDown: (event: KeyboardEvent<HTMLButtonElement>) => void;
  /** The panel's `onKeyDown`: Up/Down (wrapping), Home/End between items; Tab closes the menu. */
  readonly onPanelKeyDown: (event: KeyboardEvent<HTMLElement>) => void;
  /** Closes the menu; focus goes back to the button, also the one that mounts next if the view is replaced. */
  readonly handOff: () => void;
}

/**
 * The WAI-ARIA menu button pattern: the items are not Tab stops (`tabIndex={-1}`), focus moves
 * between them with the arrow keys, Home and End; Escape and Tab close the menu, focus going back
 * to the button (Tab then carries on from it). `restoreId` names the button across remounts (see
 * {@link MenuButton.handOff}).
 */
export function useMenuButton(restoreId: string): MenuButton {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  // Which item to focus once the panel has rendered: set when opening from the keyboard.
  const focusOnOpen = useRef<'first' | 'last' | null>(null);

  useEffect(() => {
    if (pendingRestore !== restoreId) return;
    const active = document.activeElement;
    if (active === null || active === document.body) trigger.current?.focus();
    const forget = (event: FocusEvent) => {
      if (event.target !== trigger.current) pendingRestore = null;
    };
    document.addEventListener('focusin', forget);
    return () => document.removeEventListener('focusin', forget);
  }, [restoreId]);

  useEffect(() => {
    if (!open) return;
    const items = menuItems(panel.current);
    if (focusOnOpen.current === 'first') items[0]?.focus();
    if (focusOnOpen.current === 'last') items.at(-1)?.focus();
    focusOnOpen.current = null;
    const close = (event: globalThis.MouseEvent | globalThis.KeyboardEvent) => {
      if (event instanceof globalThis.KeyboardEvent) {
        if (event.key !== 'Escape') return;
        // Escape from inside the menu: its items go away, so focus goes back to the button
        // (not to <body>, which would send a keyboard user back to the top of the page).
        if (root.current?.contains(document.activeElement)) trigger.current?.focus();
        setOpen(false);
      } else if (!root.current?.contains(event.target as Node)) {
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

  const openOn = (which: 'first' | 'last') => {
    focusOnOpen.current = which;
    if (open) {
      const items = menuItems(panel.current);
      (which === 'first' ? items[0] : items.at(-1))?.focus();
      focusOnOpen.current = null;
    } else {
      setOpen(true);
    }
  };

  return {
    open,
    root,
    trigger,
    panel,
    onTriggerClick: (event) => {
      // `detail` is 0 for a click made with Enter or Space.
      if (!open && event.detail === 0) openOn('first');
      else setOpen((v) => !v);
    },
    onTriggerKeyDown: (event) => {
      if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
      event.preventDefault();
      openOn(event.key === 'ArrowDown' ? 'first' : 'last');
    },
    onPanelKeyDown: (event) => {
      if (event.key === 'Tab') {
        trigger.current?.focus();
        setOpen(false);
        return;
      }
      const items = menuItems(panel.current);
      if (items.length === 0) return;
      const at = items.indexOf(document.activeElement as HTMLElement);
      const next =
        event.key === 'ArrowDown'
          ? (at + 1) % items.length
          : event.key === 'ArrowUp'
            ? (at <= 0 ? items.length : at) - 1
            : event.key === 'Home'
              ? 0
              : event.key === 'End'
                ? items.length - 1
                : null;
      if (next === null) return;
      event.preventDefault();
      items[next]?.focus();
    },
    handOff: () => {
      pendingRestore = restoreId;
      trigger.current?.focus();
      setOpen(false);
    },
  };
}
