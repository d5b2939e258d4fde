/** Why a job ended `interrupted` (its error kind). */
export const INTERRUPTED = {
  shutdown: 'the gateway node shut down before the job finished; submit it again',
  lost: 'the gateway node running the job stopped (crashed or was killed) before it finished; submit it again',
} as const;

/** The failed outcome of a job its node stopped running. */
export function interrupted(why: keyof typeof INTERRUPTED): { ok: false; error: { kind: string; message: string } } {
  return { ok: false, error: { kind: 'interrupted', message: INTERRUPTED[why] } };
}
