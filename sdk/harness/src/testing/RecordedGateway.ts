import {
  type CanvasTypeManifest,
  DEFAULT_LENS_POLICY,
  ERROR_CODES,
  type ExtendedJobResponse,
  globMatchAny,
  type JsonValue,
  type PluginInspector,
  type StateOp,
  tokenDefault,
} from '@easel/schemas';
import { base64ToBytes, bytesToBase64, type FetchLike } from '@easel/transport';
import * as Y from 'yjs';
import { effectivePermissions } from '../api/effectivePermissions.ts';
import { applyStateOps } from './applyStateOps.ts';
import { type RecordedEnvelope, type RecordedFrame, RECORDED_SCOPE, recordedEvent } from './recordedEvent.ts';
import type { Recording } from './Recording.ts';
import { type Published, SseHub, sseFrame } from './SseHub.ts';
import { simulateJob } from './simulateJob.ts';

const EPOCH = 'recorded';

function frames(list: ReadonlyArray<RecordedFrame | RecordedEnvelope> | undefined): RecordedFrame[] {
  return (list ?? []).map((f) => ('v' in f ? { event: f } : f));
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function fail(code: string, message: string): Response {
  const status = (ERROR_CODES as Record<string, { status: number }>)[code]?.status ?? 400;
  return json(status, { error: { code, message, request_id: 'recorded' } });
}

/**
 * A stand-in gateway in memory, speaking the wire contract through a `fetch` function: it
 * replays a {@link Recording} on the canvas, realtime and run streams (SSE, with cursors and
 * resume), and answers commands, jobs, plugins and the lens like the real one (lens enforced,
 * state kept in a Y.Doc, events fanned out). For stories and component tests only.
 */
export class RecordedGateway {
  readonly baseUrl = 'http://recorded.easel.invalid';
  readonly fetch: FetchLike;
  /** Every command received, in order. */
  readonly commands: Array<{ type: string; payload: unknown; command_id: string }> = [];
  readonly #recording: Recording;
  readonly #canvasHub = new SseHub();
  readonly #realtimeHub = new SseHub();
  readonly #history: Published[] = [];
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #doc = new Y.Doc();
  readonly #ready: RecordedEnvelope | null;
  readonly #jobs = new Map<string, ExtendedJobResponse>();
  #tokens: Record<string, JsonValue> = {};
  #revision = 0;
  #seq = 0;
  #started = false;
  #closed = false;

  constructor(recording: Recording) {
    this.#recording = recording;
    const all = frames(recording.canvas);
    this.#ready = all.find((f) => f.event.type === 'CANVAS_READY')?.event ?? null;
    const snapshot = this.#ready?.payload.snapshot as
      | { update?: string; tokens?: Record<string, JsonValue> }
      | undefined;
    if (snapshot?.update) {
      const bytes = base64ToBytes(snapshot.update);
      if (bytes) Y.applyUpdate(this.#doc, bytes);
    }
    this.#tokens = { ...(snapshot?.tokens ?? {}) };
    this.#revision = Number(this.#ready?.payload.revision ?? 0);
    this.fetch = (input, init) => this.#handle(input, init ?? {});
  }

  get scope() {
    return this.#recording.scope ?? RECORDED_SCOPE;
  }

  get manifest(): CanvasTypeManifest | null {
    return (this.#ready?.payload.manifest as CanvasTypeManifest | undefined) ?? null;
  }

  /** Publishes an event now: to open canvas and realtime streams (and to the history resumes replay). */
  push(event: RecordedEnvelope): void {
    if (this.#closed) return;
    if (event.type === 'CANVAS_READY') return;
    this.#applyToModel(event);
    const cursor = event.durable ? `${EPOCH}-${++this.#seq}` : null;
    this.#history.push({ cursor, event });
    const bytes = sseFrame(event, cursor);
    this.#canvasHub.send(bytes);
    this.#realtimeHub.send(bytes);
  }

  /** Stops every timer and ends every stream. */
  close(): void {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#canvasHub.closeAll();
    this.#realtimeHub.closeAll();
    this.#doc.destroy();
  }

  /** Runs `fn` after `ms` (bounded by `close`); `pace: 'instant'` runs it at once. */
  later(ms: number, fn: () => void): void {
    if (this.#closed) return;
    if (this.#recording.pace === 'instant' || ms <= 0) {
      fn();
      return;
    }
    const t = setTimeout(() => {
      this.#timers.delete(t);
      if (!this.#closed) fn();
    }, ms);
    this.#timers.add(t);
  }

  // ── routes ────────────────────────────────────────────────────────────────

  async #handle(input: string, init: RequestInit): Promise<Response> {
    if (this.#closed) throw new TypeError('fetch failed: the recorded gateway is closed');
    const url = new URL(input);
    const method = (init.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    const headers = new Headers(init.headers);
    if (method === 'GET' && /^\/v1\/canvases\/[^/]+\/events$/.test(path)) {
      return this.#openCanvas(headers.get('last-event-id') ?? url.searchParams.get('after'), init.signal);
    }
    if (method === 'GET' && path === '/v1/realtime') return this.#openRealtime(init.signal);
    // The recording's turns reach the page through its canvas stream: no earlier history.
    if (method === 'GET' && /^\/v1\/canvases\/[^/]+\/turns$/.test(path))
      return json(200, { events: [], complete: true });
    const run = /^\/v1\/runs\/([^/]+)\/events$/.exec(path);
    if (method === 'GET' && run) return this.#openRun(decodeURIComponent(run[1]!), init.signal);
    if (method === 'POST' && path === '/v1/commands') return this.#command(await readBody(init));
    if (method === 'GET' && /^\/v1\/projects\/[^/]+\/lens$/.test(path)) {
      return json(200, this.#recording.lens ?? DEFAULT_LENS_POLICY);
    }
    if (method === 'GET' && path === '/v1/plugins') return json(200, { plugins: this.#recording.plugins ?? [] });
    const plugin = /^\/v1\/plugins\/([^/]+)$/.exec(path);
    if (method === 'GET' && plugin) return this.#inspect(decodeURIComponent(plugin[1]!));
    if (method === 'POST' && path === '/v1/jobs') return this.#startJob(await readBody(init));
    const job = /^\/v1\/jobs\/([^/]+)$/.exec(path);
    if (method === 'GET' && job) {
      const found = this.#jobs.get(decodeURIComponent(job[1]!));
      return found ? json(200, found) : fail('not_found', 'no such job');
    }
    if (path === '/v1/presence/tickets') return fail('unavailable', 'the recorded gateway has no presence server');
    return fail('not_found', `${method} ${path} is not part of this recording`);
  }

  #openCanvas(lastEventId: string | null, signal: AbortSignal | null | undefined): Response {
    const ready = this.#ready;
    if (ready === null) return fail('not_found', 'the recording has no CANVAS_READY');
    const resumeAt = lastEventId?.startsWith(`${EPOCH}-`) ? Number(lastEventId.slice(EPOCH.length + 1)) : null;
    const initial: Uint8Array[] = [];
    if (resumeAt !== null && Number.isSafeInteger(resumeAt) && resumeAt <= this.#seq) {
      const { snapshot: _s, ...rest } = ready.payload;
      initial.push(sseFrame({ ...ready, payload: { ...rest, cursor: lastEventId, revision: this.#revision } }, null));
      for (const p of this.#history)
        if (p.cursor !== null && Number(p.cursor.split('-')[1]) > resumeAt) initial.push(sseFrame(p.event, p.cursor));
    } else {
      initial.push(sseFrame({ ...ready, payload: { ...ready.payload, cursor: `${EPOCH}-0` } }, null));
      for (const p of this.#history) if (p.cursor !== null) initial.push(sseFrame(p.event, p.cursor));
    }
    const response = this.#canvasHub.open(initial, signal);
    this.#startSchedule();
    return response;
  }

  #openRealtime(signal: AbortSignal | null | undefined): Response {
    const initial = this.#history.map((p) => sseFrame(p.event, p.cursor));
    const response = this.#realtimeHub.open(initial, signal);
    this.#startSchedule();
    return response;
  }

  #openRun(runId: string, signal: AbortSignal | null | undefined): Response {
    const list = this.#recording.runs?.[runId];
    if (!list) return fail('not_found', `no run ${runId} in this recording`);
    const hub = new SseHub();
    const response = hub.open([], signal);
    let at = 0;
    frames(list).forEach((f, i) => {
      at += f.delayMs ?? 0;
      this.later(at, () => hub.send(sseFrame(f.event, f.event.durable ? `${EPOCH}-${i + 1}` : null)));
    });
    return response;
  }

  /** Plays the recording's canvas and realtime frames once, from the first connection on. */
  #startSchedule(): void {
    if (this.#started) return;
    this.#started = true;
    const schedule = (list: RecordedFrame[]) => {
      let at = 0;
      for (const f of list) {
        if (f.event.type === 'CANVAS_READY') continue;
        at += f.delayMs ?? 0;
        this.later(at, () => this.push(f.event));
      }
    };
    schedule(frames(this.#recording.canvas));
    schedule(frames(this.#recording.realtime));
  }

  #applyToModel(event: RecordedEnvelope): void {
    const p = event.payload as Record<string, unknown>;
    if (typeof p.revision === 'number') this.#revision = Math.max(this.#revision, p.revision);
    if (event.type === 'token_patch' && typeof p.token_id === 'string') this.#tokens[p.token_id] = p.value as JsonValue;
    if (event.type === 'state_patch' && typeof p.update === 'string') {
      const bytes = base64ToBytes(p.update);
      if (bytes) Y.applyUpdate(this.#doc, bytes);
    }
  }

  // ── commands ──────────────────────────────────────────────────────────────

  #command(body: unknown): Response {
    const cmd = body as { command_id?: string; type?: string; payload?: Record<string, unknown> } | null;
    if (!cmd || typeof cmd.type !== 'string' || typeof cmd.command_id !== 'string') {
      return fail('validation_failed', 'type and command_id are required');
    }
    const previous = this.commands.find((c) => c.command_id === cmd.command_id);
    if (previous) return json(200, { status: 'duplicate', cursor: `${EPOCH}-${this.#seq}`, revision: this.#revision });
    const payload = cmd.payload ?? {};
    const refused = this.#recording.refuse?.[cmd.type] ?? this.#lensRefusal(cmd.type, payload);
    if (refused) return fail(refused.code, refused.message);
    this.commands.push({ type: cmd.type, payload, command_id: cmd.command_id });
    const actor = this.#actor();
    const at = { actor, causation_id: cmd.command_id, scope: this.scope };
    const revision = () => ++this.#revision;
    switch (cmd.type) {
      case 'token.set':
      case 'token.delete': {
        const id = String(payload.token_id);
        const decl = this.manifest?.tokens[id];
        const value =
          cmd.type === 'token.set' ? (payload.value as JsonValue) : decl ? (tokenDefault(decl) ?? null) : null;
        this.push(
          recordedEvent(
            'token_patch',
            { token_id: id, op: cmd.type === 'token.set' ? 'set' : 'delete', value, revision: revision() },
            at,
          ),
        );
        break;
      }
      case 'state.update': {
        const update = String(payload.update);
        this.push(recordedEvent('state_patch', { roots: [], revision: revision(), update }, at));
        break;
      }
      case 'state.ops': {
        const before = Y.encodeStateVector(this.#doc);
        const applied = applyStateOps(
          this.#doc,
          this.manifest?.roots ?? {},
          payload.ops as StateOp[],
          this.manifest?.text_fields,
        );
        if (!applied.ok) {
          this.commands.pop();
          return fail('validation_failed', applied.message);
        }
        const update = bytesToBase64(Y.encodeStateAsUpdate(this.#doc, before));
        // Already in the model: publish without re-applying.
        this.push(recordedEvent('state_patch', { roots: applied.roots, revision: revision(), update }, at));
        break;
      }
      case 'canvas.commit':
        this.push(
          recordedEvent(
            'canvas_commit',
            {
              revision: this.#revision,
              commit_id: cmd.command_id,
              message: String(payload.message ?? ''),
              kind: 'commit',
            },
            at,
          ),
        );
        break;
      case 'chat.send':
        this.#agentTurn(cmd.command_id, String(payload.text ?? ''));
        break;
      case 'turn.cancel':
        this.push(
          recordedEvent('turn_cancelled', { turn_id: String(payload.turn_id), reason: 'cancelled by you' }, at),
        );
        break;
    }
    return json(200, { status: 'committed', cursor: `${EPOCH}-${this.#seq}`, revision: this.#revision });
  }

  #actor(): { id: string; kind: 'human' | 'agent' | 'service' } {
    return { id: this.#recording.actor?.id ?? 'you', kind: this.#recording.actor?.kind ?? 'human' };
  }

  #lensRefusal(type: string, payload: Record<string, unknown>): { code: string; message: string } | null {
    const roles = this.#recording.actor?.roles ?? ['editor'];
    const perms = effectivePermissions(this.#recording.lens ?? null, roles);
    if (!globMatchAny(perms.commands, type))
      return { code: 'forbidden', message: `your roles (${roles.join(', ')}) may not send ${type}` };
    if (
      (type === 'token.set' || type === 'token.delete') &&
      !globMatchAny(perms.tokens.write, String(payload.token_id))
    ) {
      return { code: 'forbidden', message: `your roles may not write token ${String(payload.token_id)}` };
    }
    if (type === 'state.ops' && Array.isArray(payload.ops)) {
      const root = (payload.ops as StateOp[]).find((op) => !globMatchAny(perms.state.write, op.root))?.root;
      if (root !== undefined) return { code: 'forbidden', message: `your roles may not write the ${root} root` };
    }
    if (type === 'state.update' && perms.state.write.length === 0)
      return { code: 'forbidden', message: 'your roles may not edit this canvas' };
    return null;
  }

  #agentTurn(commandId: string, text: string): void {
    const turnId = `turn-${commandId.slice(-8).toLowerCase()}`;
    const agent = { id: 'agent', kind: 'agent' as const };
    const by = { actor: agent, scope: this.scope, turn_id: turnId };
    this.push(recordedEvent('turn_accepted', { turn_id: turnId, text }, { ...by, causation_id: commandId }));
    const reply = this.#recording.chatReply;
    if (reply === undefined) return;
    this.push(recordedEvent('model_status', { turn_id: turnId, model: 'recorded-model', status: 'ready' }, by));
    const words = reply.split(/(?<= )/);
    for (const [index, word] of words.entries()) {
      this.later(60 * (index + 1), () =>
        this.push(recordedEvent('chat_token', { turn_id: turnId, index, text: word }, by)),
      );
    }
    this.later(60 * (words.length + 1), () => {
      this.push(recordedEvent('turn_final', { turn_id: turnId, text: reply }, by));
      this.push(recordedEvent('commit_succeeded', { turn_id: turnId, revision: ++this.#revision }, by));
    });
  }

  // ── plugins and jobs ──────────────────────────────────────────────────────

  #inspect(name: string): Response {
    const inspector = this.#recording.inspectors?.[name];
    if (inspector) return json(200, inspector);
    const health = this.#recording.plugins?.find((p) => p.name === name);
    if (!health) return fail('not_found', `no plugin ${name}`);
    const synthesized: PluginInspector = { ...health, tools: {}, recent_warnings: [], recent_errors: [] };
    return json(200, synthesized);
  }

  #startJob(body: unknown): Response {
    const started = simulateJob(this, body, this.#recording.plugins ?? [], (job) => this.#jobs.set(job.job_id, job));
    if (!started.ok) return fail(started.code, started.message);
    return json(202, started.job);
  }
}

async function readBody(init: RequestInit): Promise<unknown> {
  if (typeof init.body !== 'string') return null;
  try {
    return JSON.parse(init.body);
  } catch {
    return null;
  }
}
