import type { LensPolicy } from '@easel/schemas';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../core/auth/Principal.ts';
import type { BusEvent } from '../../core/bus/EventBus.ts';
import { HIDDEN_TEXT } from '../../core/redactDerived.ts';
import { ADMIN, command, EDITOR, scopeOf } from '../../core/testing/coreHarness.ts';
import { turnsHarnessPerTest } from './testing/turnsHarness.ts';

const turns = turnsHarnessPerTest();
const h = turns.h;

const ALL = { read: ['*'], write: ['*'] };
/** editor (the sender) reads everything; `outsider` cannot read `notes`; `reader` reads both roots but no sidecars. */
const POLICY: LensPolicy = {
  roles: {
    admin: { tokens: ALL, state: ALL, sidecars: { see: true, resolve: true }, commands: ['*'] },
    editor: { tokens: ALL, state: ALL, sidecars: { see: true, resolve: true }, commands: ['*'] },
    outsider: {
      tokens: { read: ['*'], write: [] },
      state: { read: ['layout'], write: [] },
      sidecars: { see: true, resolve: false },
      commands: [],
    },
    reader: {
      tokens: { read: ['*'], write: [] },
      state: { read: ['notes', 'layout'], write: [] },
      sidecars: { see: false, resolve: false },
      commands: [],
    },
  },
  default_role: 'outsider',
};
const OUTSIDER: Principal = { actorId: 'olga', tenantId: 'acme', kind: 'human', roles: ['outsider'] };
const READER: Principal = { actorId: 'rita', tenantId: 'acme', kind: 'human', roles: ['reader'] };

type Env = { type: string; turn_id?: string; payload: Record<string, unknown> };

async function runTurn(text: string): Promise<{ turnId: string; events: BusEvent[] }> {
  await turns.start();
  const stored = await h.core.putLensPolicy(ADMIN, 'p1', POLICY);
  if (!stored.ok) throw new Error(stored.error.message);
  const created = await h.core.submit(ADMIN, command('canvas.create', scopeOf('c1'), { canvas_type: 'board' }));
  if (!created.ok) throw new Error(created.error.message);
  const sent = await h.core.submit(EDITOR, command('chat.send', scopeOf('c1'), { text }));
  if (!sent.ok) throw new Error(sent.error.message);
  const turnId = sent.value.turn_id!;
  const until = Date.now() + 10_000;
  const mine = () => h.events.filter((e) => (JSON.parse(e.envelope) as Env).turn_id === turnId);
  while (!mine().some((e) => e.type === 'commit_succeeded' || e.type === 'commit_failed')) {
    if (Date.now() > until) throw new Error(`turn ${turnId} did not end`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return { turnId, events: mine() };
}

/** What `who` sees of the turn's events (the projection every stream and replay applies). */
async function seen(who: Principal, events: BusEvent[]): Promise<Array<Env | null>> {
  const view = await h.core.lensView(who, 'acme/p1');
  return events.map((e) => {
    const json = h.core.projectEvent(view, e);
    return json === null ? null : (JSON.parse(json) as Env);
  });
}

describe('turn output is derived data (contract §6, WIRE-NOTES derived-data lens)', () => {
  it('[CONTRACT 6] a viewer who cannot read a root the turn read gets no chat_token text and a redacted turn_final; readers of every source see it all; the stamp never leaves', async () => {
    const { turnId, events } = await runTurn('add three notes about onboarding');
    const tokens = events.filter((e) => e.type === 'chat_token');
    expect(tokens.length).toBeGreaterThan(3);
    const final = events.find((e) => e.type === 'turn_final')!;
    const modelText = (JSON.parse(final.envelope) as Env).payload.text as string;
    expect(modelText.length).toBeGreaterThan(0);

    for (const who of [EDITOR, READER]) {
      const shown = await seen(who, [...tokens, final]);
      expect(shown.every((e) => e !== null)).toBe(true);
      const texts = shown.slice(0, -1).map((e) => e!.payload.text);
      expect(texts.join('')).toBe(modelText);
      const f = shown.at(-1)!;
      expect(f.payload.text).toBe(modelText);
      expect(f.payload.redacted).toBeUndefined();
      for (const e of shown) expect(Object.keys(e!.payload)).not.toContain('derived_from');
    }

    const outsider = await seen(OUTSIDER, [...tokens, final]);
    expect(outsider.slice(0, -1)).toEqual(tokens.map(() => null));
    const f = outsider.at(-1)!;
    expect(f.payload).toMatchObject({ turn_id: turnId, text: HIDDEN_TEXT, redacted: true });
    expect(Object.keys(f.payload)).not.toContain('derived_from');
    // The notes the model proposed are on a root the outsider cannot read: removed.
    expect(f.payload.proposed_ops).toEqual([]);
    expect(JSON.stringify(outsider)).not.toContain(modelText.slice(0, 40));

    // The commit every viewer sees names the sender's request, not the model's text.
    const commit = events.find((e) => e.type === 'canvas_commit');
    expect((JSON.parse(commit!.envelope) as Env).payload.message).toBe(
      `turn ${turnId}: add three notes about onboarding`,
    );
  });

  it('[CONTRACT 6] model_status carries no canvas content and stays visible to every viewer', async () => {
    const { events } = await runTurn('hello there');
    const statuses = events.filter((e) => e.type === 'model_status');
    expect(statuses.length).toBeGreaterThan(0);
    const outsider = await seen(OUTSIDER, statuses);
    expect(outsider.every((e) => e !== null && e.payload.redacted === undefined)).toBe(true);
  });
});
