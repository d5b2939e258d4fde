import type { StateOp } from '@easel/schemas';
import { CanvasTransport, type FetchLike } from '@easel/transport';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarnessApi } from '../api/createHarnessApi.ts';
import { HarnessStores } from '../stores/HarnessStores.ts';
import { demoRecording } from '../testing/fixtures.ts';
import { RecordedGateway } from '../testing/RecordedGateway.ts';
import { recordedToken } from '../testing/recordedEvent.ts';
import { createCommandEmitter } from './createCommandEmitter.ts';

/** Failed stream reconnects an outage lasts: more than a transport's default command attempts (6). */
const OUTAGE_RECONNECTS = 8;
const NOTE: StateOp[] = [
  { op: 'insert', root: 'notes', key: 'n9', value: { text: 'written offline', column: 'todo' } },
];

const open: Array<{ close(): void }> = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

/**
 * A real transport on the recorded gateway, behind a fetch that can go down like a dead server:
 * open streams break, and every request (stream reconnects and command POSTs) fails to connect.
 */
function session() {
  const gateway = new RecordedGateway(demoRecording({ pace: 'instant' }));
  const net = { down: false, commandsDropped: 0, streamsRefused: 0, postOnly: false };
  const streams = new Set<AbortController>();
  const flaky: FetchLike = async (input, init) => {
    const url = String(input);
    const isCommand = url.endsWith('/v1/commands');
    if (net.down && (isCommand || !net.postOnly)) {
      if (isCommand) net.commandsDropped++;
      else if (url.includes('/events')) net.streamsRefused++;
      throw new TypeError('fetch failed: connection refused');
    }
    if (!url.includes('/events')) return gateway.fetch(input, init);
    const link = new AbortController();
    init?.signal?.addEventListener('abort', () => link.abort());
    streams.add(link);
    return gateway.fetch(input, { ...init, signal: link.signal });
  };
  const token = recordedToken({ id: 'dana', roles: ['editor'], tenant: gateway.scope.tenant_id });
  const transport = new CanvasTransport({
    baseUrl: gateway.baseUrl,
    token,
    scope: gateway.scope,
    fetch: flaky,
    tiers: [{ name: 'test', ms: 2 }],
  });
  const api = createHarnessApi({ baseUrl: gateway.baseUrl, token, scope: gateway.scope, fetch: gateway.fetch });
  const stores = new HarnessStores({ transport, api });
  open.push(transport, gateway);
  /** The server dies: open streams break and nothing connects until `restore()`. */
  const kill = (options: { postOnly?: boolean } = {}) => {
    net.down = true;
    net.postOnly = options.postOnly ?? false;
    if (net.postOnly) return;
    for (const s of streams) s.abort();
    streams.clear();
  };
  const restore = () => {
    net.down = false;
  };
  return { transport, stores, net, kill, restore };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('createCommandEmitter', () => {
  it('[CONTRACT 5] a command a person issued during an outage longer than the default attempts lands once the gateway is back', async () => {
    const { transport, stores, net, kill, restore } = session();
    transport.connect();
    expect((await transport.ready()).ok).toBe(true);
    kill();
    const emit = createCommandEmitter(stores);
    const pending = emit.ops(NOTE);
    await until(() => net.streamsRefused >= OUTAGE_RECONNECTS, 'the stream to fail to reconnect');
    // While the stream cannot reconnect, the command waits instead of spending attempts.
    expect(net.commandsDropped).toBeLessThanOrEqual(2);
    restore();
    expect(await pending).toMatchObject({ ok: true });
    expect(stores.rejected.value).toBeNull();
  });

  it('a plain transport call survives the same outage (the transport holds commands while reconnecting)', async () => {
    const { transport, net, kill, restore } = session();
    transport.connect();
    expect((await transport.ready()).ok).toBe(true);
    kill();
    const pending = transport.applyOps(NOTE);
    await until(() => net.streamsRefused >= OUTAGE_RECONNECTS, 'the stream to fail to reconnect');
    restore();
    const sent = await pending;
    expect(sent.ok).toBe(true);
  });

  it('control: POSTs that fail while the stream stays open are counted and end with network, shown as a refusal', async () => {
    const { transport, stores, net, kill } = session();
    transport.connect();
    expect((await transport.ready()).ok).toBe(true);
    kill({ postOnly: true });
    const emit = createCommandEmitter(stores);
    const applied = await emit.ops(NOTE);
    expect(applied).toMatchObject({ ok: false, code: 'network' });
    expect(net.commandsDropped).toBe(6);
    expect(stores.rejected.value).toMatchObject({ code: 'network' });
  });
});
