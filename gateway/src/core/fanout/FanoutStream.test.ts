import { describe, expect, it } from 'vitest';
import type { BusEvent } from '../bus/EventBus.ts';
import type { LensView } from '../lens/LensView.ts';
import { FanoutStream, type StreamHost, telemetryKey } from './FanoutStream.ts';
import { TestSink } from './TestSink.ts';

const view: LensView = {
  key: 'all',
  canReadToken: () => true,
  canWriteToken: () => true,
  canReadRoot: () => true,
  canWriteRoot: () => true,
  canRunCommand: () => true,
  sidecars: { see: true, resolve: true },
};
const scope = { tenant_id: 't', project_id: 'p', app_id: 'a', surface_id: 's', mode: 'edit', canvas_id: 'c1' };
const principal = { actorId: 'u', tenantId: 't', kind: 'human' as const, roles: ['admin'] };

function durable(seq: number): BusEvent {
  return { partition: 't/p', seq, canvasId: 'c1', type: 'token_patch', envelope: `{"seq":${seq}}` };
}
function telemetry(jobId: string, percent: number): BusEvent {
  return {
    partition: 't/p',
    seq: null,
    canvasId: 'c1',
    type: 'progress',
    envelope: JSON.stringify({ type: 'progress', scope: { job_id: jobId }, payload: { percent } }),
  };
}

function setup(budgetBytes = 1000) {
  const sink = new TestSink({ autoFlush: true, highWaterMark: budgetBytes });
  const closed: string[] = [];
  let delivered = 0;
  const host: StreamHost = {
    closeStream: (s, reason) => {
      closed.push(reason);
      s.state = 'closed';
      sink.close(reason);
    },
    countDelivered: (n) => {
      delivered += n;
    },
  };
  const stream = new FanoutStream(
    1,
    'canvas',
    principal,
    scope,
    't/p',
    'c1',
    view,
    sink,
    { budgetBytes, backlogLimit: 3, coalesceLimit: 2 },
    host,
  );
  return { sink, stream, closed, delivered: () => delivered };
}

describe('FanoutStream', () => {
  it('[CONTRACT 4] delivers each durable seq once and never goes backwards', () => {
    const { sink, stream } = setup();
    stream.state = 'live';
    expect(stream.offerLive(durable(1), 'f1\n\n')).toBe(true);
    expect(stream.offerLive(durable(1), 'f1\n\n')).toBe(false);
    expect(stream.offerLive(durable(3), 'f3\n\n')).toBe(true);
    expect(stream.offerLive(durable(2), 'f2\n\n')).toBe(false);
    expect(sink.received).toBe('f1\n\nf3\n\n');
    expect(stream.lastSeq).toBe(3);
  });

  it('[CONTRACT 6] a hidden event (null frame) is not written', () => {
    const { sink, stream } = setup();
    stream.state = 'live';
    expect(stream.offerLive(durable(1), null)).toBe(false);
    expect(sink.received).toBe('');
  });

  it('holds live events while syncing; past the limit the backlog is dropped and flagged for a spine re-read', () => {
    const { sink, stream } = setup();
    for (const seq of [1, 2, 3]) stream.offerLive(durable(seq), 'x\n\n');
    expect(stream.backlog.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(stream.backlogOverflowed).toBe(false);
    stream.offerLive(durable(4), 'x\n\n');
    expect(stream.backlogOverflowed).toBe(true);
    expect(stream.backlog.map((e) => e.seq)).toEqual([4]);
    expect(sink.received).toBe('');
  });

  it('[CONTRACT 4] a subscriber over its byte budget is closed as slow_consumer', () => {
    const { sink, stream, closed } = setup(100);
    stream.state = 'live';
    sink.autoFlush = false;
    stream.offerLive(durable(1), `${'a'.repeat(60)}\n\n`);
    expect(closed).toEqual([]);
    stream.offerLive(durable(2), `${'b'.repeat(60)}\n\n`);
    expect(closed).toEqual(['slow_consumer']);
  });

  it('[CONTRACT 4] telemetry over half the budget is coalesced (latest per job wins) and written once drained', async () => {
    const { sink, stream, delivered } = setup(100);
    stream.state = 'live';
    sink.autoFlush = false;
    stream.offerLive(durable(1), `${'a'.repeat(60)}\n\n`);
    expect(stream.offerLive(telemetry('j1', 10), 'p10\n\n')).toBe(false);
    expect(stream.offerLive(telemetry('j1', 20), 'p20\n\n')).toBe(false);
    expect(stream.offerLive(telemetry('j2', 5), 'q5\n\n')).toBe(false);
    // a third key is over the coalesce limit: dropped
    expect(stream.offerLive(telemetry('j3', 1), 'r1\n\n')).toBe(false);
    sink.flush();
    await Promise.resolve();
    await Promise.resolve();
    expect(sink.bufferedBytes()).toBeGreaterThan(0);
    sink.flush();
    expect(sink.received).toBe(`${'a'.repeat(60)}\n\np20\n\nq5\n\n`);
    expect(delivered()).toBe(3);
  });

  it('[CONTRACT 4] durable events are never coalesced or dropped under pressure', () => {
    const { sink, stream } = setup(1000);
    stream.state = 'live';
    sink.autoFlush = false;
    for (let seq = 1; seq <= 5; seq++) stream.offerLive(durable(seq), `${String(seq).repeat(150)}\n\n`);
    sink.flush();
    expect(
      sink.received
        .split('\n\n')
        .filter(Boolean)
        .map((f) => f[0]),
    ).toEqual(['1', '2', '3', '4', '5']);
  });

  it('a large CANVAS_READY does not count against the budget until the subscriber drained it', () => {
    const { sink, stream, closed } = setup(100);
    sink.autoFlush = false;
    stream.writeReady([`${'s'.repeat(500)}\n\n`]);
    expect(closed).toEqual([]);
    stream.state = 'live';
    stream.offerLive(durable(1), 'x\n\n');
    expect(closed).toEqual([]);
    sink.flush();
    stream.checkBudget();
    expect(stream.allowance).toBe(0);
  });

  it('telemetry is keyed by type and job/run id', () => {
    expect(telemetryKey(telemetry('j9', 1))).toBe('progress|j9');
    expect(telemetryKey({ ...telemetry('x', 1), envelope: 'not json' })).toBe('progress|');
  });
});
