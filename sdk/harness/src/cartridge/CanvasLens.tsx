import { type ReactNode, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useRealtime } from '../hooks/useRealtime.ts';
import { CanvasHost } from './CanvasHost.tsx';
import { CanvasScope } from './CanvasScope.tsx';

export type { LensCanvas };
import type { LensCanvas } from './LensCanvas.ts';
import { type ActiveCanvasPick, pickActiveCanvas } from './pickActiveCanvas.ts';

/** What `children` of {@link CanvasLens} receive. */
export interface CanvasLensScope {
  readonly active: LensCanvas;
  /** Why it is shown: an agent's turn or run works there, or the user chose it. */
  readonly following: ActiveCanvasPick | null;
  /** The mounted canvas (a {@link CanvasHost}). */
  readonly host: ReactNode;
  select(canvasId: string): void;
}

export interface CanvasLensProps {
  readonly canvases: readonly LensCanvas[];
  /** The user's choice (controlled). Default: uncontrolled, the first canvas. */
  readonly selectedId?: string | null;
  readonly onSelect?: (canvasId: string) => void;
  /** Switch to the canvas a running turn or run targets. Default true. */
  readonly follow?: boolean;
  /**
   * Lays out surfaces around the active canvas; they render inside the active canvas's
   * provider, so hooks there (tokens, tools, chat) follow it. Default: the canvas alone.
   */
  readonly children?: (scope: CanvasLensScope) => ReactNode;
}

/**
 * Picks the active canvas: the one a running run or turn targets (read from the provider's
 * timeline), else the user's choice; and mounts it in a provider of its own transport (sharing
 * the outer provider's API and realtime client).
 */
export function CanvasLens(props: CanvasLensProps): ReactNode {
  const { canvases, follow = true } = props;
  const entries = useRealtime({ limit: 500 });
  const ids = useMemo(() => canvases.map((c) => c.canvasId), [canvases]);
  const running = useMemo(() => (follow ? pickActiveCanvas(entries, ids) : null), [follow, entries, ids]);
  const [ownChoice, setOwnChoice] = useState<string | null>(null);
  const choice = props.selectedId !== undefined ? props.selectedId : ownChoice;
  const select = (canvasId: string) => {
    setOwnChoice(canvasId);
    props.onSelect?.(canvasId);
  };
  // Following makes the followed canvas the choice, so it stays shown after the run or turn ends.
  const followedId = running?.canvasId ?? null;
  const onSelect = props.onSelect;
  useEffect(() => {
    if (followedId === null) return;
    setOwnChoice(followedId);
    onSelect?.(followedId);
  }, [followedId, onSelect]);
  const activeId = followedId ?? (choice !== null && ids.includes(choice) ? choice : ids[0]);
  const active = canvases.find((c) => c.canvasId === activeId);
  // A switch remounts everything under the lens (a provider per canvas): the focused control (the
  // switcher tab just pressed, the chat input) was removed and focus fell to the page. Its
  // `data-testid` is noted while the old tree is still there, and the same control is focused after.
  const shownId = useRef(activeId);
  const focusBack = useRef<string | null>(null);
  if (shownId.current !== activeId && typeof document !== 'undefined') {
    focusBack.current = document.activeElement?.getAttribute('data-testid') ?? focusBack.current;
  }
  useLayoutEffect(() => {
    shownId.current = activeId;
    const testId = focusBack.current;
    focusBack.current = null;
    if (testId === null || (document.activeElement !== null && document.activeElement !== document.body)) return;
    document.querySelector<HTMLElement>(`[data-testid="${CSS.escape(testId)}"]`)?.focus();
  }, [activeId]);
  if (!active) {
    return (
      <div className="ez-status ez-status--empty" role="status">
        <p className="ez-status__title">No canvas to show</p>
        <p className="ez-status__text">Add a canvas to this flow to start.</p>
      </div>
    );
  }
  const host = <CanvasHost key={active.canvasId} cartridge={active.cartridge} />;
  const scope: CanvasLensScope = { active, following: running, host, select };
  const body = props.children ? props.children(scope) : host;
  return (
    <CanvasScope key={active.canvasId} canvas={active}>
      {body}
    </CanvasScope>
  );
}
