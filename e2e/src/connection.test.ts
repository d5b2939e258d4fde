import type { ConnectionStatus, RealtimeEvent } from '@easel/transport';
import { describe, expect, it } from 'vitest';
import { E2eWorld, sleep, waitUntil } from './support/world.ts';
import { gatewayWorldPerSuite } from './support/gatewayWorldPerSuite.ts';

describe('transport connection against a real gateway', () => {
  const suite = gatewayWorldPerSuite({ fixedPort: true });

  it('[CONTRACT 4] status: connecting → open, reconnecting across a kill -9 restart, open again; resumes without a reset', async () => {
    const { admin, scope } = await suite.world.newBoard('conn');
    const t = suite.world.transport(admin, scope);
    const statuses: ConnectionStatus[] = [];
    t.onStatus((s) => statuses.push(s));
    const readies: boolean[] = [];
    t.onReady((r) => readies.push(r.reset));
    t.connect();
    expect((await t.ready()).ok).toBe(true);
    const before = await t.setToken('plan.title', 'before the crash');
    expect(before.ok && (await t.awaitCursor(before.value.cursor)).ok).toBe(true);

    await suite.gateway.restart('SIGKILL');
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
    const scope = suite.world.scope(suite.world.name('conn'), suite.world.name('c'));
    let calls = 0;
    const t = suite.world.transport('unused', scope, {
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
    const other = new E2eWorld(suite.gateway);
    const scope = other.scope(suite.world.name('conn'), suite.world.name('c'));
    const t = suite.world.transport(await suite.world.token(['admin']), scope);
    t.connect();
    const ready = await t.ready({ timeoutMs: 10_000 });
    expect(!ready.ok && ready.error.code).toBe('forbidden');
    expect(t.status).toBe('forbidden');
    const sent = await t.setToken('plan.title', 'x');
    expect(!sent.ok && sent.error).toMatchObject({ code: 'tenant_mismatch', status: 403 });
  });

  it('[CONTRACT 4] realtime() streams the project timeline as {type, payload, timestamp} messages', async () => {
    const { admin, scope } = await suite.world.newBoard('rt');
    const t = suite.world.transport(admin, scope);
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
