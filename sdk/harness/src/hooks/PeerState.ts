import type { ActorKind } from '@easel/schemas';

/** One participant on the canvas (human or agent), as presence reports it. */
export interface PeerState {
  /** Yjs awareness client id (one per tab or agent connection). */
  readonly clientId: number;
  readonly actor: { readonly id: string; readonly kind: ActorKind; readonly name: string; readonly color: string };
  /** Canvas coordinates of the pointer, or null when it is off the canvas. */
  readonly cursor: { readonly x: number; readonly y: number } | null;
  readonly selection: readonly string[] | null;
  /** True for this tab's own state. */
  readonly self: boolean;
}
