/**
 * Downstream event types (contract §4). `durable` events are appended to the spine before any
 * subscriber sees them and carry an SSE `id:` (cursor); the others are best-effort telemetry.
 * `CANVAS_READY` (and, paint first, `CANVAS_READY_UPDATE` right after it) is sent per connection (no `id:`). `run_event` is durable for the kinds in
 * `durableKinds` only (see {@link isDurableEvent}).
 */
export const EVENT_TYPES = {
  CANVAS_READY: { durable: false, group: 'canvas' },
  CANVAS_READY_UPDATE: { durable: false, group: 'canvas' },
  canvas_created: { durable: true, group: 'canvas' },
  token_patch: { durable: true, group: 'canvas' },
  state_patch: { durable: true, group: 'canvas' },
  canvas_commit: { durable: true, group: 'canvas' },
  snapshot_created: { durable: true, group: 'canvas' },
  turn_accepted: { durable: true, group: 'chat' },
  model_status: { durable: false, group: 'chat' },
  chat_token: { durable: false, group: 'chat' },
  turn_final: { durable: true, group: 'chat' },
  turn_cancelled: { durable: true, group: 'chat' },
  commit_succeeded: { durable: true, group: 'chat' },
  commit_failed: { durable: true, group: 'chat' },
  progress: { durable: false, group: 'jobs' },
  plugin_status: { durable: false, group: 'jobs' },
  frame: { durable: false, group: 'jobs' },
  partial_result: { durable: false, group: 'jobs' },
  warning: { durable: false, group: 'jobs' },
  error: { durable: true, group: 'jobs' },
  job_completed: { durable: true, group: 'jobs' },
  run_started: { durable: true, group: 'runs' },
  run_event: { durable: false, group: 'runs', durableKinds: ['tool', 'verdict'] },
  log_line: { durable: false, group: 'ops' },
  stream_closed: { durable: false, group: 'ops' },
} as const satisfies Record<string, { durable: boolean; group: EventGroup; durableKinds?: readonly string[] }>;

export type EventGroup = 'canvas' | 'chat' | 'jobs' | 'runs' | 'ops';

export type EventType = keyof typeof EVENT_TYPES;

/** Every event type, in registry order. */
export const EVENT_TYPE_LIST = Object.keys(EVENT_TYPES) as [EventType, ...EventType[]];

/** Whether an event of `type` (with `payload`, for `run_event`) is durable. */
export function isDurableEvent(type: EventType, payload?: unknown): boolean {
  const entry: { durable: boolean; durableKinds?: readonly string[] } = EVENT_TYPES[type];
  if (entry.durableKinds !== undefined) {
    const kind = typeof payload === 'object' && payload !== null ? (payload as { kind?: unknown }).kind : undefined;
    return typeof kind === 'string' && entry.durableKinds.includes(kind);
  }
  return entry.durable;
}
