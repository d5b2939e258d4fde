import { describe, expect, it } from 'vitest';
import { realtimeMessageSchema } from '../later/realtimeMessageSchema.ts';
import { PROTOCOL_VERSION } from '../version.ts';
import { downstreamEventSchema, EVENT_PAYLOAD_SCHEMAS } from './downstreamEventSchema.ts';
import { envelopeSchema } from './envelopeSchema.ts';
import { EVENT_TYPE_LIST, EVENT_TYPES, isDurableEvent } from './eventTypes.ts';
import { STREAM_CLOSE_REASONS } from './streamCloseReasons.ts';

const frame = {
  v: 1,
  event_id: '01J9ZQ5W8XKQ3N4M5P6R7S8T9V',
  type: 'token_patch',
  timestamp: '2025-03-04T05:06:07.890Z',
  scope: { tenant_id: 'acme', project_id: 'demo', app_id: 'host', surface_id: 'main', mode: 'edit', canvas_id: 'c1' },
  actor: { id: 'ada', kind: 'human' },
  durable: true,
  causation_id: '01J9ZQ5W8XKQ3N4M5P6R7S8T9W',
  payload: { token_id: 'plan.title', op: 'set', value: 'Hello', revision: 4 },
};

describe('[CONTRACT 4] events', () => {
  it('durability follows the contract table', () => {
    const durable = EVENT_TYPE_LIST.filter((t) => EVENT_TYPES[t].durable);
    expect(durable.sort()).toEqual(
      [
        'canvas_created',
        'token_patch',
        'state_patch',
        'canvas_commit',
        'snapshot_created',
        'turn_accepted',
        'turn_final',
        'turn_cancelled',
        'commit_succeeded',
        'commit_failed',
        'error',
        'job_completed',
        'run_started',
      ].sort(),
    );
    expect(isDurableEvent('run_event', { kind: 'verdict' })).toBe(true);
    expect(isDurableEvent('run_event', { kind: 'tool' })).toBe(true);
    expect(isDurableEvent('run_event', { kind: 'token' })).toBe(false);
    expect(isDurableEvent('run_event', { kind: 'thought' })).toBe(false);
    expect(isDurableEvent('run_event')).toBe(false);
    expect(isDurableEvent('chat_token')).toBe(false);
    expect(isDurableEvent('CANVAS_READY')).toBe(false);
  });

  it('every event type has a payload schema', () => {
    expect(Object.keys(EVENT_PAYLOAD_SCHEMAS).sort()).toEqual([...EVENT_TYPE_LIST].sort());
  });

  it('a wire envelope parses, typed by its type, and is a RealtimeMessage', () => {
    const parsed = downstreamEventSchema.parse(frame);
    expect(parsed).toEqual(frame);
    if (parsed.type === 'token_patch') expect(parsed.payload.token_id).toBe('plan.title');
    expect(envelopeSchema.parse(frame).v).toBe(PROTOCOL_VERSION);
    expect(realtimeMessageSchema.safeParse(frame).success).toBe(true);
  });

  it('a payload that does not fit its type is refused; the generic envelope still reads it', () => {
    const wrong = { ...frame, payload: { token_id: 'plan.title', op: 'patch', value: 1, revision: 4 } };
    expect(downstreamEventSchema.safeParse(wrong).success).toBe(false);
    expect(envelopeSchema.safeParse(wrong).success).toBe(true);
  });

  it('an unknown future type passes the generic envelope (older clients skip it)', () => {
    const future = { ...frame, type: 'hologram_ready', payload: {}, extra_field: true };
    expect(downstreamEventSchema.safeParse(future).success).toBe(false);
    expect(envelopeSchema.parse(future)).toEqual(future);
  });

  it('refuses a bad envelope: version, event_id, timestamp, actor', () => {
    expect(envelopeSchema.safeParse({ ...frame, v: 2 }).success).toBe(false);
    expect(envelopeSchema.safeParse({ ...frame, event_id: 'not-a-ulid' }).success).toBe(false);
    expect(envelopeSchema.safeParse({ ...frame, timestamp: 'yesterday' }).success).toBe(false);
    expect(envelopeSchema.safeParse({ ...frame, actor: { id: 'x', kind: 'robot' } }).success).toBe(false);
  });

  it('canvas_created is at revision 0; CANVAS_READY carries manifest and cursor', () => {
    expect(
      EVENT_PAYLOAD_SCHEMAS.canvas_created.safeParse({ canvas_type: 'board', title: '', revision: 0 }).success,
    ).toBe(true);
    expect(
      EVENT_PAYLOAD_SCHEMAS.canvas_created.safeParse({ canvas_type: 'board', title: '', revision: 1 }).success,
    ).toBe(false);
    const ready = {
      canvas_id: 'c1',
      canvas_type: 'board',
      manifest: { type: 'board', version: '1.0.0', title: 'Board', roots: { notes: 'map' }, tokens: {}, tools: [] },
      revision: 0,
      cursor: null,
      reset: false,
      snapshot: { update: 'AAA=', tokens: {} },
    };
    expect(EVENT_PAYLOAD_SCHEMAS.CANVAS_READY.parse(ready)).toEqual(ready);
  });

  it('frames never carry data: URIs', () => {
    const base = { job_id: 'j1', index: 0 };
    expect(EVENT_PAYLOAD_SCHEMAS.frame.safeParse({ ...base, uri: 's3://b/k' }).success).toBe(true);
    expect(EVENT_PAYLOAD_SCHEMAS.frame.safeParse({ ...base, uri: 'data:image/png;base64,AAAA' }).success).toBe(false);
    expect(EVENT_PAYLOAD_SCHEMAS.frame.safeParse({ ...base, uri: 'DATA:image/png;base64,AAAA' }).success).toBe(false);
  });

  it('stream close reasons are named constants', () => {
    expect(Object.values(STREAM_CLOSE_REASONS).sort()).toEqual(
      ['lens_revoked', 'replaced', 'shutdown', 'slow_consumer', 'token_expired'].sort(),
    );
    for (const [k, v] of Object.entries(STREAM_CLOSE_REASONS)) expect(k).toBe(v);
  });
});
