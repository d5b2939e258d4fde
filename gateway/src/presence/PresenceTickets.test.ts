import { MAX_PRESENCE_TICKET_SECONDS, presenceTicketSchema } from '@easel/schemas';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../bus/MemoryBus.ts';
import { ADMIN, command, EDITOR, harnessPerTest, scopeOf, VIEWER } from '../core/testing/coreHarness.ts';
import { mustOpen } from '../spine/sqliteTestHarness.ts';
import { MemoryTicketStore } from './MemoryTicketStore.ts';
import { PresenceTickets } from './PresenceTickets.ts';

const h = harnessPerTest((path) => ({ spine: mustOpen({ path, durability: 'normal' }), bus: new MemoryBus() }));
const scope = scopeOf('c1');
const HOUR = 3_600_000;
let now: number;
let tickets: PresenceTickets;
const context = () => ({ tokenExpiresAtMs: now + HOUR, wsOrigin: 'ws://127.0.0.1:9' });

beforeEach(async () => {
  now = 1_800_000_000_000;
  const created = await h.core.submit(ADMIN, command('canvas.create', scope, { canvas_type: 'board' }));
  if (!created.ok) throw new Error(created.error.message);
  tickets = new PresenceTickets({
    core: h.core,
    store: new MemoryTicketStore({ now: () => now }),
    ttlMs: 5000,
    now: () => now,
  });
});

const issue = async (principal = VIEWER, body: unknown = { scope }) => {
  const issued = await tickets.issue(principal, body, context());
  if (!issued.ok) throw new Error(issued.error.message);
  return issued.value;
};

const denyViewer = {
  roles: {
    viewer: {
      tokens: { read: [], write: [] },
      state: { read: [], write: [] },
      sidecars: { see: false, resolve: false },
      commands: [],
    },
  },
};

describe('PresenceTickets', () => {
  it('[CONTRACT 7] issues a ticket for the canvas: url, document, expiry ≤ 60 s', async () => {
    const t = await issue();
    expect(presenceTicketSchema.parse(t)).toEqual(t);
    expect(t).toMatchObject({ url: 'ws://127.0.0.1:9/v1/presence', document: 'acme/p1/c1' });
    expect(Date.parse(t.expires_at) - now).toBe(5000);
    const longest = new PresenceTickets({ core: h.core, store: new MemoryTicketStore(), ttlMs: 10 * 60_000 });
    expect(longest.ttlMs).toBe(MAX_PRESENCE_TICKET_SECONDS * 1000);
  });

  it('[CONTRACT 7] refuses bad bodies, other tenants, missing canvases and actors the lens shows nothing', async () => {
    const code = async (principal: typeof VIEWER, body: unknown) => {
      const r = await tickets.issue(principal, body, context());
      return r.ok ? 'ok' : r.error.code;
    };
    expect(await code(VIEWER, null)).toBe('validation_failed');
    expect(await code(VIEWER, { scope: scopeOf('c1'), extra: 1 })).toBe('validation_failed');
    expect(await code(VIEWER, { scope: { ...scope, canvas_id: undefined } })).toBe('validation_failed');
    expect(await code(VIEWER, { scope: { ...scope, tenant_id: 'globex' } })).toBe('tenant_mismatch');
    expect(await code(VIEWER, { scope: scopeOf('missing') })).toBe('not_found');
    expect(await code({ ...VIEWER, roles: ['guest'] }, { scope })).toBe('forbidden');
  });

  it('[CONTRACT 7] junk bodies are coded errors, never throws (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (body) => {
        const r = await tickets.issue(VIEWER, body, context());
        expect(r.ok).toBe(false);
      }),
      { numRuns: 50 },
    );
  });

  it('[CONTRACT 7] redeems once, for its own document only', async () => {
    const t = await issue(EDITOR);
    expect(await tickets.redeem(t.ticket, 'acme/p1/c1')).toMatchObject({
      ok: true,
      value: { actorId: 'eve', kind: 'agent' },
    });
    expect(await tickets.redeem(t.ticket, 'acme/p1/c1')).toEqual({ ok: false, reason: 'ticket_used' });
    const other = await issue();
    expect(await tickets.redeem(other.ticket, 'acme/p1/c2')).toEqual({ ok: false, reason: 'wrong_document' });
    expect(await tickets.redeem(other.ticket, 'acme/p1/c1')).toEqual({ ok: false, reason: 'ticket_used' });
    expect(await tickets.redeem('not a ticket!', 'acme/p1/c1')).toEqual({ ok: false, reason: 'ticket_unknown' });
  });

  it('[CONTRACT 7] refuses expired tickets, expired tokens and actors who lost sight of the canvas', async () => {
    const late = await issue();
    now += 5000;
    expect(await tickets.redeem(late.ticket, 'acme/p1/c1')).toEqual({ ok: false, reason: 'ticket_expired' });
    const shortToken = await tickets.issue(VIEWER, { scope }, { tokenExpiresAtMs: now + 1000, wsOrigin: 'ws://h' });
    now += 1000;
    expect(await tickets.redeem(shortToken.ok ? shortToken.value.ticket : '', 'acme/p1/c1')).toEqual({
      ok: false,
      reason: 'token_expired',
    });
    const revoked = await issue();
    const put = await h.core.putLensPolicy(ADMIN, 'p1', denyViewer);
    expect(put.ok).toBe(true);
    expect(await tickets.redeem(revoked.ticket, 'acme/p1/c1')).toEqual({ ok: false, reason: 'forbidden' });
  });
});
