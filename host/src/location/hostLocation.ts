import { slugSchema } from '@easel/schemas';
import { type ActorId, isActorId } from '../actors/actors.ts';

/**
 * The host's state lives in the URL (`/?actor=planner&flow=demo&canvas=demo-board`), so a link opens
 * the same view and a second tab with another actor collaborates. Missing or malformed values are
 * null: the host then asks (actor picker) or uses the flow's first canvas.
 */
export interface HostLocation {
  actor: ActorId | null;
  flow: string;
  /** The canvas in focus (Studio's main canvas, Split's left one); null = the flow's first. */
  canvas: string | null;
  /** Overrides the actor's `sub` (two people with one role in two tabs). */
  user: string | null;
}

export const DEFAULT_FLOW = 'demo';

function slugOrNull(value: string | null): string | null {
  return value !== null && slugSchema.safeParse(value).success ? value : null;
}

/** Reads a location search string (`?actor=…`); never throws. */
export function readHostLocation(search: string): HostLocation {
  const params = new URLSearchParams(search);
  const actor = params.get('actor');
  return {
    actor: actor !== null && isActorId(actor) ? actor : null,
    flow: slugOrNull(params.get('flow')) ?? DEFAULT_FLOW,
    canvas: slugOrNull(params.get('canvas')),
    user: slugOrNull(params.get('user')),
  };
}

/** The search string for a location (stable order: actor, flow, canvas, user; empty parts left out). */
export function writeHostLocation(location: HostLocation): string {
  const params = new URLSearchParams();
  if (location.actor) params.set('actor', location.actor);
  params.set('flow', location.flow);
  if (location.canvas) params.set('canvas', location.canvas);
  if (location.user) params.set('user', location.user);
  return `?${params.toString()}`;
}
