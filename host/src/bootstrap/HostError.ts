/** Why the host could not start a session (shown in the error state; never thrown). */
export interface HostError {
  /**
   * `dev_mode_off`: the gateway mints no dev tokens; `network`: it does not answer; `refused`: it
   * answered with a contract §3 error (`status` and the gateway's `error.code` in `detail`);
   * `canvas_missing`: a flow canvas does not exist and the actor's lens may not create it.
   */
  code: 'dev_mode_off' | 'network' | 'refused' | 'protocol' | 'canvas_missing';
  message: string;
  status?: number;
  /** The gateway's own error code (contract §3), when it sent one. */
  detail?: string;
}

export type HostResult<T> = { ok: true; value: T } | { ok: false; error: HostError };

/** The minimal `fetch` the bootstrap needs (injected in tests; the global one by default). */
export type HostFetch = (input: string, init?: RequestInit) => Promise<Response>;

/** A contract §3 error body's `{code, message}`, or null when the body is something else. */
export async function readErrorBody(res: Response): Promise<{ code: string; message: string } | null> {
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
    const code = body.error?.code;
    const message = body.error?.message;
    return typeof code === 'string' && typeof message === 'string' ? { code, message } : null;
  } catch {
    return null;
  }
}

/** A thrown fetch (refused connection, abort) as a `network` error naming the gateway. */
export function networkError(baseUrl: string, err: unknown): HostError {
  const reason = err instanceof Error ? err.message : String(err);
  return { code: 'network', message: `the gateway at ${baseUrl} does not answer (${reason})` };
}
