import type { CanvasTransport } from '@easel/transport';
import { bounded, type ConvergenceActor } from './convergenceActor.ts';
import type { ActorName } from './convergenceWorld.ts';
import type { SseClient } from './SseClient.ts';

/** A command the gateway acknowledged: its events must reach every transport exactly once. */
export interface AckedCommand {
  readonly type: string;
  readonly cursor: string;
  readonly actor: ActorName;
}

/**
 * The explicit commands of one convergence run: those in flight, those acknowledged, the
 * revisions committed (revert targets), every outcome that contradicts the lens, and how many
 * forbidden local edits were sent.
 */
export class CommandLedger {
  readonly inflight: Promise<void>[] = [];
  readonly acked: AckedCommand[] = [];
  readonly commits: number[] = [];
  readonly problems: string[] = [];
  /** Forbidden local edits sent (each must come back refused). */
  forbiddenSent = 0;

  /** @param step the run's current step number (labels problems). */
  constructor(private readonly step: () => number) {}

  /** Counts a forbidden local edit that was sent. */
  readonly countForbidden = (): void => {
    this.forbiddenSent += 1;
  };

  /** Sends an explicit command in the background and checks its outcome against the lens. */
  readonly send = (
    actor: ConvergenceActor,
    type: string,
    run: () => ReturnType<CanvasTransport['send']>,
    allowed: boolean,
  ): void => {
    const label = `${actor.name} ${type} #${this.step()}`;
    this.inflight.push(
      run().then((result) => {
        if (result.ok && allowed) this.acked.push({ type, cursor: result.value.cursor, actor: actor.name });
        if (result.ok && type === 'canvas.commit') this.commits.push(result.value.revision);
        if (allowed && !result.ok) this.problems.push(`${label} was refused: ${JSON.stringify(result.error)}`);
        if (!allowed && (result.ok || result.error.code !== 'forbidden'))
          this.problems.push(`${label} should be 403 forbidden: ${JSON.stringify(result)}`);
      }),
    );
  };
}

/** What `quiesce` waits on. */
export interface QuiesceContext {
  readonly ledger: CommandLedger;
  readonly actors: readonly ConvergenceActor[];
  /** Sends the marker (its `token.set` of `b.count`). */
  readonly admin: ConvergenceActor;
  readonly rnd: () => number;
  /** The raw reader in use now. */
  readonly raw: () => SseClient;
}

/**
 * Settles the run (bounded): every command in flight answered, every local edit flushed, then an
 * admin marker that every transport and the raw reader must reach. Draws one `rnd()` (the
 * marker's value). Resolves to the marker's cursor.
 */
export async function quiesce(ctx: QuiesceContext, what: string): Promise<string> {
  const { ledger, actors } = ctx;
  await bounded(Promise.all(ledger.inflight.splice(0)), 30_000, `${what}: commands in flight`);
  for (let i = 0; i < 20 && actors.some((a) => a.t.pendingLocalEdits > 0); i++)
    await bounded(Promise.all(actors.map((a) => a.t.flushLocalEdits())), 20_000, `${what}: local edits`);
  const marker = await ctx.admin.t.setToken('b.count', Math.floor(ctx.rnd() * 1000));
  if (!marker.ok) throw new Error(`${what}: marker refused: ${JSON.stringify(marker.error)}`);
  ledger.acked.push({ type: 'token.set', cursor: marker.value.cursor, actor: 'admin' });
  for (const a of actors) {
    const seen = await a.t.awaitCursor(marker.value.cursor, { timeoutMs: 20_000 });
    if (!seen.ok) throw new Error(`${what}: ${a.name} never reached ${marker.value.cursor}: ${JSON.stringify(seen)}`);
  }
  const raw = ctx.raw();
  await raw.until(() => raw.lastEventId === marker.value.cursor, 20_000, `${what}: raw stream at the marker`);
  return marker.value.cursor;
}
