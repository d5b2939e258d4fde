const text = (value: unknown, max = 80): string => {
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  if (s === undefined) return '';
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
};

/** A one-line, human description of an event for the live feed. */
export function summarizeEvent(type: string, payload: Readonly<Record<string, unknown>>): string {
  const p = payload as Record<string, unknown>;
  switch (type) {
    case 'CANVAS_READY':
      return `canvas ready at revision ${p.revision}${p.reset ? ' (reset)' : ''}`;
    case 'CANVAS_READY_UPDATE':
      // Not "(editable)": a viewer's feed said so too. The frame brings the shared (Yjs) document.
      return `collaborative document loaded at revision ${p.revision}`;
    case 'canvas_created':
      return `canvas created (${text(p.canvas_type)})`;
    case 'token_patch':
      return `${p.op === 'delete' ? 'reset' : 'set'} ${text(p.token_id)} = ${text(p.value, 40)}`;
    case 'state_patch':
      return `edited ${Array.isArray(p.roots) && p.roots.length > 0 ? p.roots.join(', ') : 'state'} → r${p.revision}`;
    case 'canvas_commit':
      return `${p.kind === 'revert' ? 'reverted' : 'committed'} r${p.revision}${p.message ? `: ${text(p.message, 60)}` : ''}`;
    case 'snapshot_created':
      return `snapshot ${text(p.mime)} (${p.size} bytes)`;
    case 'turn_accepted':
      return `turn started${p.text ? `: ${text(p.text, 60)}` : ''}`;
    case 'model_status':
      return `model ${text(p.model)} ${text(p.status)}`;
    case 'chat_token':
      return `token: ${text(p.text, 40)}`;
    case 'turn_final':
      return `turn answered: ${text(p.text, 60)}`;
    case 'turn_cancelled':
      return `turn cancelled${p.reason ? `: ${text(p.reason)}` : ''}`;
    case 'commit_succeeded':
      return `agent commit applied at r${p.revision}`;
    case 'commit_failed': {
      const error = p.error as { code?: string; message?: string } | undefined;
      return `agent commit refused (${error?.code ?? 'error'}): ${text(error?.message ?? '')}`;
    }
    case 'progress':
      return `${p.plugin ? `${text(p.plugin)} ` : ''}${Math.round(Number(p.percent))}%${p.message ? ` ${text(p.message)}` : ''}`;
    case 'plugin_status':
      return `plugin ${text(p.name)} is ${text(p.state)}${p.reason ? `: ${text(p.reason)}` : ''}`;
    case 'frame':
      return `frame ${p.index} of job ${text(p.job_id)}`;
    case 'partial_result':
      return `partial result${p.plugin ? ` from ${text(p.plugin)}` : ''}`;
    case 'warning':
      return `warning: ${text(p.message)}`;
    case 'error':
      return `error (${text(p.kind)}): ${text(p.message)}`;
    case 'job_completed':
      return `job ${text(p.job_id)} ${text(p.status)}`;
    case 'run_event':
      return p.kind === 'verdict'
        ? `run verdict: ${text(p.verdict)}${p.reason ? ` (${text(p.reason)})` : ''}`
        : p.kind === 'tool'
          ? `tool ${text(p.tool)} ${text(p.phase)}`
          : `run ${text(p.kind)}: ${text(p.text, 50)}`;
    case 'log_line':
      return `${text(p.level)}: ${text(p.message)}`;
    case 'stream_closed':
      return `stream closed: ${text(p.reason)}`;
    default:
      return type;
  }
}
