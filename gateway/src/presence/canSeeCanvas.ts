import type { LensView } from '../core/lens/LensView.ts';

/** What of a canvas a lens could let an actor see: its manifest's root and token names. */
export interface CanvasSurface {
  readonly roots: readonly string[];
  readonly tokens: readonly string[];
}

/**
 * Presence is for those who can see the canvas: the lens lets the actor read at least one of
 * its roots or tokens (contract §6–7). Losing that closes the actor's presence connections.
 */
export function canSeeCanvas(view: LensView, surface: CanvasSurface): boolean {
  return surface.roots.some((root) => view.canReadRoot(root)) || surface.tokens.some((id) => view.canReadToken(id));
}
