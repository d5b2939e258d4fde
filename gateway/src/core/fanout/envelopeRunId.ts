const SCOPE_KEY = '"scope":{';
const RUN_KEY = '"run_id":"';

/**
 * The `scope.run_id` of an envelope JSON text, or null. Reads the text without parsing it when it
 * has the gateway's layout (`scope` before `actor` and `payload`; scope values are slugs or ULIDs,
 * so the scope object ends at its first `}`), and parses it otherwise. Never throws.
 */
export function envelopeRunId(envelope: string): string | null {
  const at = envelope.indexOf(SCOPE_KEY);
  if (at !== -1) {
    const end = envelope.indexOf('}', at);
    if (end !== -1) {
      const key = envelope.indexOf(RUN_KEY, at);
      if (key === -1 || key > end) return null;
      const start = key + RUN_KEY.length;
      const close = envelope.indexOf('"', start);
      if (close !== -1 && close < end) return envelope.slice(start, close);
    }
  }
  try {
    const parsed = JSON.parse(envelope) as { scope?: { run_id?: unknown } };
    const runId = parsed?.scope?.run_id;
    return typeof runId === 'string' ? runId : null;
  } catch {
    return null;
  }
}
