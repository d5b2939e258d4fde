import type { RunEvent, TaskSpec } from '@easel/schemas';

/** A run's end (contract §10): `pass`, `fail`, `stopped` (budget, cancel, restart) or `refused`. */
export type RunVerdictEvent = Extract<RunEvent, { kind: 'verdict' }>;

/**
 * A task as sent: `inputs` and `tools` may be left out (the gateway fills the defaults), `verify` too
 * (sent as `{}`: no assertions, scorers or refusal thresholds).
 */
export type RunTask = Omit<TaskSpec, 'inputs' | 'tools' | 'verify'> & {
  readonly inputs?: TaskSpec['inputs'];
  readonly tools?: TaskSpec['tools'];
  readonly verify?: Partial<TaskSpec['verify']>;
};
