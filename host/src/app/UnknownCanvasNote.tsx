import { useState } from 'react';
import type { Flow } from '../flows/flowSchema.ts';

/** What a link's `?canvas=` asked for when it is not one of the flow's canvases, and what is shown instead. */
export interface UnknownCanvas {
  /** The requested id as the link spelled it (at most 64 characters). */
  readonly requested: string;
  /** The canvas the templates open instead: the flow's first. */
  readonly opened: { readonly canvasId: string; readonly title: string };
}

/**
 * The `?canvas=` of a link when it names no canvas of the flow (a mistyped or stale link), else
 * null. `requested` is the location's canvas, or the raw parameter when that was not a valid id.
 */
export function unknownCanvas(flow: Flow, requested: string | null): UnknownCanvas | null {
  if (requested === null || requested === '') return null;
  if (flow.canvases.some((c) => c.canvas_id === requested)) return null;
  const first = flow.canvases[0];
  if (!first) return null;
  return { requested: requested.slice(0, 64), opened: { canvasId: first.canvas_id, title: first.title } };
}

/** The raw `?canvas=` of an address (also when it is not a valid id, which the location drops). */
export function canvasParam(search: string): string | null {
  return new URLSearchParams(search).get('canvas');
}

/**
 * A short note above the flow when the link named a canvas the flow does not have: the flow's
 * first canvas was opened instead. It goes when dismissed, or when another canvas is asked for
 * (picking a tab changes `?canvas=`).
 */
export function UnknownCanvasNote(props: { flow: Flow; requested: string | null }) {
  const unknown = unknownCanvas(props.flow, props.requested);
  const [dismissed, setDismissed] = useState<string | null>(null);
  if (unknown === null || dismissed === unknown.requested) return null;
  return (
    <div className="host-toast host-toast--warn host-canvas-note" role="alert" data-testid="host-unknown-canvas-note">
      <strong>Unknown canvas</strong>{' '}
      <span>{`There is no canvas “${unknown.requested}” in this flow; opened “${unknown.opened.title}” (${unknown.opened.canvasId}) instead.`}</span>
      <button
        type="button"
        className="host-link"
        aria-label="Dismiss the note about the unknown canvas"
        onClick={() => setDismissed(unknown.requested)}
      >
        Dismiss
      </button>
    </div>
  );
}
