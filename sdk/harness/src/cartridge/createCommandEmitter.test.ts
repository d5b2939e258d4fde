import type { StateOp } from '@easel/schemas';
import { CanvasTransport, type FetchLike } from '@easel/transport';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarnessApi } from '../api/createHarnessApi.ts';
import { HarnessStores } from '../stores/HarnessStores.ts';
import { demoRecording } from '../testing/fixtures.ts';
import { RecordedGateway } from '../testing/RecordedGateway.ts';
import { recordedToken } from '../testing/recordedEvent.ts';
import { createCommandEmitter, UI_COMMAND_ATTEMPTS } from './createCommandEmitter.ts';

/** More network failures in a row than a transport's default attempts (6) allow. */
const OUTAGE = 12;
const NOTE: StateOp[] = [
  { op: 'insert', root: 'notes', key: 'n9', value: { text: 'written offline', column: 'todo' } },
];

const open: Array<{ close(): void }> = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

/** A real transport on the recorded gateway whose first `OUTAGE` command POSTs fail like a dead server. */
function session() {
  const gateway = new RecordedGateway(demoRecording({ pace: 'instant' }));
  const dropped = { count: 0 };
  const flaky: FetchLike = async (input, init) => {
    if (String(input).endsWith('/v1/commands') && dropped.count < OUTAGE) {
      dropped.count++;
      throw new TypeError('fetch failed: connection refused');
    }
    return gateway.fetch(input, init);
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
  return { transport, stores, dropped, gateway };
}

describe('createCommandEmitter', () => {
  it('[CONTRACT 5] a typed command a person issued survives an outage longer than the default attempts', async () => {
    const { stores, dropped } = session();
    const emit = createCommandEmitter(stores);
    const applied = await emit.ops(NOTE);
    expect(applied).toMatchObject({ ok: true });
    expect(dropped.count).toBe(OUTAGE);
    expect(stores.rejected.value).toBeNull();
    expect(UI_COMMAND_ATTEMPTS).toBeGreaterThan(OUTAGE);
  });

  it('the same outage makes a plain transport call give up (what the emitter guards against)', async () => {
    const { transport } = session();
    const sent = await transport.applyOps(NOTE);
    expect(sent.ok).toBe(false);
    expect(!sent.ok && sent.error.code).toBe('network');
  });
});
