/**
 * The internal idempotency keys of a run's appends. Each holds `/`, which a client's
 * `command_id` never does, so no client command (a client may choose the run id) can take a
 * key and have the run's commit or verdict answered `duplicate` and never stored. Earlier
 * versions used `run:<run_id>:<step>` / `run:<run_id>:verdict` (valid client ids): those stay
 * the events' `causation_id` (which must be a valid command id), and a verdict stored under the
 * legacy key is still found (`RunVerdicts`).
 */

/** A model round's commit: `run/<run_id>/<step>`. */
export function stepCommandId(runId: string, step: number): string {
  return `run/${runId}/${step}`;
}

/** The key earlier versions used for a round's commit, and its events' `causation_id`. */
export function legacyStepCommandId(runId: string, step: number): string {
  return `run:${runId}:${step}`;
}

/** The run's verdict (a run has exactly one in the log): `run/<run_id>/verdict`. */
export function verdictCommandId(runId: string): string {
  return `run/${runId}/verdict`;
}

/** The key earlier versions stored a verdict under, and the verdict's `causation_id`. */
export function legacyVerdictCommandId(runId: string): string {
  return `run:${runId}:verdict`;
}
