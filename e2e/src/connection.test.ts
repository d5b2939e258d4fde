import type { ConnectionStatus, RealtimeEvent } from '@easel/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2eWorld, type GatewayProcess, sleep, startGateway, waitUntil } from './support/world.ts';

describe('transport connection against a real gateway', () => {
  let gateway: GatewayProcess;
  let world: E2eWorld;

  beforeAll(async () => {
    gateway = await startGateway({ fixedPort: true });
    world = new E2eWorld(gateway);
  });

  afterAll(async () => {
    world?.closeAll();
    await gateway?.dispose();
  });

  it('[CONTRACT 4] status: connecting → open, reconnecting across a kill -9 restart, open again; resumes without a reset', async () => {
    const admin = await world.token(['admin']);
    const scope = world.scope(world.name('conn'), world.name('c'));
    await world.createCanvas(admin, scope, 'board');
    const t = world.transport(admin, scope);
    const statuses: ConnectionStatus[] = [];
    t.onStatus((s) => statuses.push(s));
    const readies: boolean[] = [];
    t.onReady((r) => readies.push(r.reset));
    t.connect();
    expect((await t.ready()).ok).toBe(true);
    const before = await t.setToken('plan.title', 'before the crash');
    expect(before.ok && (await t.awaitCursor(before.value.cursor)).ok).toBe(true);

    await gateway.restart('SIGKILL');
    await waitUntil(() => t.status === 'open' && readies.length >= 2, 20_000, 'the transport to reopen');
    const after = await t.setToken('plan.title', 'after the crash');
    expect(after.ok && (await t.awaitCursor(after.value.cursor)).ok).toBe(true);
    expect(t.tokens['plan.title']).toBe('after the crash');
    expect(statuses[0]).toBe('connecting');
    expect(statuses[1]).toBe('open');
    expect(statuses.slice(2)).toContain('reconnecting');
    expect(statuses.at(-1)).toBe('open');
    expect(readies).toEqual(readies.map(() => false));
    expect(t.streamCounts.duplicates).toBe(0);
  }, 60_000);

  it('[CONTRACT 2] a refused token ends in unauthorized after one re-acquisition, with no retry loop', async () => {
    const scope = world.scope(world.name('conn'), world.name('c'));
    let calls = 0;
    const t = world.transport('unused', scope, {
      token: () => {
        calls += 1;
        return `not-a-jwt-${calls}`;
      },
    });
    t.connect();
    const ready = await t.ready({ timeoutMs: 10_000 });
    expect(ready.ok).toBe(false);
    expect(!ready.ok && ready.error.code).toBe('unauthenticated');
    expect(t.status).toBe('unauthorized');
    await sleep(1_500);
    expect(calls).toBe(2);
  });

  it('[CONTRACT 2] a scope of another tenant ends in forbidden (tenant_mismatch), no retry loop', async () => {
    const other = new E2eWorld(gateway);
    const scope = other.scope(world.name('conn'), world.name('c'));
    const t = world.transport(await world.token(['admin']), scope);
    t.connect();
    const ready = await t.ready({ timeoutMs: 10_000 });
    expect(!ready.ok && ready.error.code).toBe('forbidden');
    expect(t.status).toBe('forbidden');
    const sent = await t.setToken('plan.title', 'x');
    expect(!sent.ok && sent.error).toMatchObject({ code: 'tenant_mismatch', status: 403 });
  });

  it('[CONTRACT 4] realtime() streams the project timeline as {type, payload, timestamp} messages', async () => {
    const admin = await world.token(['admin']);
    const scope = world.scope(world.name('rt'), world.name('c'));
    await world.createCanvas(admin, scope, 'board');
    const t = world.transport(admin, scope);
    const realtime = t.realtime().connect();
    const messages: RealtimeEvent[] = [];
    realtime.onMessage('*', (m) => messages.push(m));
    await waitUntil(() => realtime.status === 'open', 10_000, 'the realtime stream to open');
    const set = await t.setToken('plan.title', 'on the timeline');
    expect(set.ok).toBe(true);
    await waitUntil(() => messages.some((m) => m.type === 'token_patch'), 10_000, 'the token_patch on /v1/realtime');
    const patch = messages.find((m) => m.type === 'token_patch')!;
    expect(patch.payload).toMatchObject({ token_id: 'plan.title', value: 'on the timeline' });
    expect(typeof patch.timestamp).toBe('string');
    expect(set.ok && realtime.cursor).toBe(set.ok ? set.value.cursor : null);
    realtime.close();
    expect(realtime.status).toBe('closed');
  });
});
