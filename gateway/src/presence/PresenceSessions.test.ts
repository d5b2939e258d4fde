import { describe, expect, it } from 'vitest';
import { type PresenceSession, PresenceSessions } from './PresenceSessions.ts';
import { record } from './ticketStoreContract.ts';
import type { TicketRecord } from './TicketStore.ts';

function session(closed: string[], name: string, overrides: Partial<TicketRecord> = {}): PresenceSession {
  return {
    record: { ...record(Date.now() + 60_000), actorId: name, ...overrides },
    close: (r) => closed.push(`${name}:${r}`),
  };
}

describe('PresenceSessions', () => {
  it('[CONTRACT 7] a lens change closes the sessions whose actor lost sight, in that partition only', async () => {
    const closed: string[] = [];
    const denied = new Set(['vic']);
    const sessions = new PresenceSessions({ allows: async (r) => !denied.has(r.actorId) });
    const vic = session(closed, 'vic');
    const ann = session(closed, 'ann');
    const elsewhere = session(closed, 'vic', { projectId: 'p2' });
    for (const s of [vic, ann, elsewhere]) sessions.add(s);
    expect(await sessions.recheck('acme/p1')).toBe(1);
    expect(closed).toEqual(['vic:access_revoked']);
    expect(sessions.size).toBe(2);
    expect(await sessions.recheck('acme/p1')).toBe(0);
    sessions.closeAll('shutdown');
    expect(closed.sort()).toEqual(['ann:shutdown', 'vic:access_revoked', 'vic:shutdown']);
    expect(sessions.size).toBe(0);
  });

  it('[CONTRACT 7] keeps sessions when the lens cannot be read (no false revocation)', async () => {
    const closed: string[] = [];
    const sessions = new PresenceSessions({ allows: async () => null });
    sessions.add(session(closed, 'vic'));
    expect(await sessions.recheck('acme/p1')).toBe(0);
    sessions.closeAll('shutdown');
  });

  it('[CONTRACT 7] closes a session when the token of its ticket expires', async () => {
    const closed: string[] = [];
    const sessions = new PresenceSessions({ allows: async () => true });
    sessions.add(session(closed, 'tess', { tokenExpiresAtMs: Date.now() + 50 }));
    const removed = session(closed, 'rem', { tokenExpiresAtMs: Date.now() + 50 });
    sessions.add(removed);
    sessions.remove(removed);
    // Waits for the expiry (bounded) rather than a fixed time; then as long again for a late close.
    for (let i = 0; i < 300 && closed.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    expect(closed).toEqual(['tess:token_expired']);
    expect(sessions.size).toBe(0);
  });
});
