import type { Actor, EventType, Scope, StateOp } from '@easel/schemas';
import type { Principal } from '../auth/Principal.ts';

/**
 * An agent's proposed canvas change, committed atomically at an authority boundary
 * (`GatewayCore.commitProposal`; docs/internal/AGENTS-NOTES.md). One append:
 * `state_patch` (revision + 1) → `canvas_commit` (kind `commit`, `turn_id` / `run_id` in its
 * payload) → `outcomeEvents`; with no ops only the outcome events (revision unchanged).
 */
export interface ProposalCommit {
  /** Whose lens decides: every root the ops touch must be writable by these roles. */
  principal: Principal;
  /** Recorded on the events (e.g. `{id: 'agent:local', kind: 'agent'}`). */
  actor: Actor;
  /** Canvas scope (`canvas_id` required); `run_id` set for runs (then also on `canvas_commit`). */
  scope: Scope;
  /**
   * Idempotency key in the partition, e.g. `turn/<turn_id>` / `run/<run_id>/<step>`: an internal
   * key holds `/`, which a client's `command_id` cannot, so no client command can take it.
   */
  commandId: string;
  /**
   * The events' `causation_id` (must match the command id pattern; default `commandId`): give
   * one when `commandId` is an internal key with `/`.
   */
  causationId?: string;
  /** May be empty (then only the outcome events). At most 500, validated as `state.ops`. */
  ops: readonly StateOp[];
  /** `canvas_commit` message (cut to 500 characters). */
  message: string;
  /**
   * Appended after `canvas_commit`, in order. A payload without `revision` gets the revision
   * the commit produced; a `commit_succeeded` without `commit_id` gets the commit's id.
   */
  outcomeEvents: ReadonlyArray<{ type: EventType; payload: object }>;
  /** A turn's commit: refused (409, nothing appended) once the turn was cancelled or ended. */
  turnId?: string;
  sessionId?: string;
}
