/**
 * A lens policy whose `planner` role reads the tokens matching `plannerReads` and every state root,
 * writes nothing and runs no command; everyone else falls to `viewer` (the lens tests widen and
 * narrow the planner's reads to see a live stream follow).
 */
export function plannerLensPolicy(plannerReads: string[]) {
  return {
    roles: {
      planner: {
        tokens: { read: plannerReads, write: [] },
        state: { read: ['*'], write: [] },
        sidecars: { see: false, resolve: false },
        commands: [],
      },
    },
    default_role: 'viewer',
  };
}
