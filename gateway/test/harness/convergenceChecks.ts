import { docToJson } from '@easel/transport';
import { expect } from 'vitest';
import type { ApiResponse } from './api.ts';
import { type ConvergenceActor, compareCursors, mirrorState } from './convergenceActor.ts';
import type { AckedCommand, CommandLedger } from './convergenceLedger.ts';
import {
  CONV_MANIFEST,
  FORBIDDEN_COUNT,
  FORBIDDEN_MARK,
  grants,
  type Phase,
  ROOT_MARKS,
  ROOTS,
  TOKENS,
} from './convergenceWorld.ts';
import type { SseFrame } from './SseClient.ts';

/** The lens phase an event at `cursor` was sent under (`boundary`: the last cursor of phase 1). */
export function phaseAt(cursor: string, boundary: string | null): Phase {
  return boundary !== null && compareCursors(cursor, boundary) > 0 ? 2 : 1;
}

/** The lens phase a received Yjs update was filtered under (a lens_changed snapshot is phase 2). */
export function updatePhase(u: ConvergenceActor['updates'][number], boundary: string | null): Phase {
  return u.lensChanged || phaseAt(u.cursor!, boundary) === 2 ? 2 : 1;
}

/**
 * 1. Every mirror equals the server's state as its own lens shows it (roots and tokens), and
 * holds nothing of what it cannot read (GC placeholders only). `reads[i]` is `actors[i]`'s GET.
 */
export function expectMirrorsMatchReads(
  actors: readonly ConvergenceActor[],
  reads: readonly ApiResponse[],
  phase: Phase,
): void {
  for (const [i, a] of actors.entries()) {
    const read = reads[i]!.json;
    expect(reads[i]!.status).toBe(200);
    const readable = grants(a.name, phase).readRoots;
    expect(Object.keys(read.state).sort(), `${a.name} GET roots`).toEqual([...readable].sort());
    expect(mirrorState(a, readable), `${a.name} mirror vs GET state`).toEqual(read.state);
    expect(a.t.tokens, `${a.name} mirror tokens vs GET`).toEqual(read.tokens);
    const hidden = ROOTS.filter((r) => !readable.includes(r));
    expect(JSON.stringify(mirrorState(a, hidden)), `${a.name} hidden roots`).not.toContain('#');
    expect(Object.keys(a.t.tokens).sort()).toEqual(
      TOKENS.filter((tk) => grants(a.name, phase).readTokens.includes(tk) && tk in read.tokens).sort(),
    );
  }
}

/**
 * 2. No forbidden edit is visible anywhere (the admin's read, every mirror), every refused local
 * edit was one of the ledger's `forbiddenSent`, no command outcome contradicted the lens,
 * and no transport received content of a root it could not read when the update came.
 */
export function expectNothingForbidden(
  actors: readonly ConvergenceActor[],
  // biome-ignore lint/suspicious/noExplicitAny: parsed test data
  adminRead: any,
  ledger: CommandLedger,
  boundary: string | null,
): void {
  expect(JSON.stringify(adminRead)).not.toContain(FORBIDDEN_MARK);
  expect(adminRead.tokens['b.count']).not.toBe(FORBIDDEN_COUNT);
  for (const a of actors) {
    expect(JSON.stringify(docToJson(a.t.doc, CONV_MANIFEST.roots))).not.toContain(FORBIDDEN_MARK);
    expect(JSON.stringify(a.t.tokens)).not.toContain(FORBIDDEN_MARK);
  }
  expect(actors.flatMap((a) => a.rejected.map((r) => r.code))).toEqual(Array(ledger.forbiddenSent).fill('forbidden'));
  expect(ledger.problems).toEqual([]);
  for (const a of actors) {
    for (const u of a.updates) {
      const p = updatePhase(u, boundary);
      for (const root of ROOTS.filter((r) => ROOT_MARKS[r] !== '' && !grants(a.name, p).readRoots.includes(r)))
        expect(u.bytes.includes(ROOT_MARKS[root]), `${a.name} got ${root} content at ${u.cursor}`).toBe(false);
    }
  }
}

/** Each acknowledged command's cursor is in the raw reader's ids exactly once. */
export function expectAckedOnce(rawIds: readonly string[], acked: readonly AckedCommand[]): void {
  for (const ack of acked)
    expect(
      rawIds.filter((id) => id === ack.cursor),
      `${ack.type} ${ack.cursor}`,
    ).toHaveLength(1);
}

/**
 * The `cursor type` lines `actor` must have seen: every raw (admin) event after `since`, except
 * those inside a `covered` range (from, to] (brought by a reset snapshot) and the token_patches
 * its lens hid when they were sent.
 */
export function expectedEvents(
  raw: readonly SseFrame[],
  actor: ConvergenceActor,
  since: string,
  boundary: string | null,
  covered: ReadonlyArray<{ from: string; to: string }> = [],
): string[] {
  return raw
    .filter((f) => compareCursors(f.id!, since) > 0)
    .filter((f) => !covered.some((c) => compareCursors(f.id!, c.from) > 0 && compareCursors(f.id!, c.to) <= 0))
    .filter(
      (f) =>
        f.event !== 'token_patch' ||
        grants(actor.name, phaseAt(f.id!, boundary)).readTokens.includes(f.json.payload.token_id),
    )
    .map((f) => `${f.id} ${f.event}`);
}

/** Each actor's events arrived in strictly ascending cursor order. */
export function expectSeenInOrder(actor: ConvergenceActor): void {
  const cursors = actor.seen.map((s) => s.cursor);
  for (let j = 1; j < cursors.length; j++)
    expect(compareCursors(cursors[j - 1]!, cursors[j]!), `${actor.name} order at ${j}`).toBeLessThan(0);
}

/**
 * 4. Revisions are monotone (as the stream brings them: events, snapshots) and everyone ends on
 * the server's `revision` and the `last` cursor.
 */
export function expectRevisionsMonotone(actors: readonly ConvergenceActor[], revision: number, last: string): void {
  for (const a of actors) {
    for (let j = 1; j < a.revisions.length; j++)
      expect(a.revisions[j]!, `${a.name} revision ${j}\n${a.trace.join('\n')}`).toBeGreaterThanOrEqual(
        a.revisions[j - 1]!,
      );
    expect(a.t.revision, `${a.name} final revision`).toBe(revision);
    expect(a.t.cursor, `${a.name} final cursor`).toBe(last);
  }
}
