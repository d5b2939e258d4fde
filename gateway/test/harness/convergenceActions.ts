import { type CanvasTransport, docToJson } from '@easel/transport';
import { bounded, type ConvergenceActor, sleep } from './convergenceActor.ts';
import type { CommandLedger } from './convergenceLedger.ts';
import {
  type ActorName,
  CONV_MANIFEST,
  FORBIDDEN_MARK,
  grants,
  type Phase,
  pick,
  ROOTS,
  type RootName,
  randomLocalEdit,
  randomOps,
  type TokenName,
  tokenValue,
} from './convergenceWorld.ts';

/** Sends an explicit command in the background and checks its outcome against the lens. */
export type SendChecked = (
  actor: ConvergenceActor,
  type: string,
  run: () => ReturnType<CanvasTransport['send']>,
  allowed: boolean,
) => void;

/** What one random step of a convergence run acts on (single gateway or cluster alike). */
export interface ActionContext {
  readonly rnd: () => number;
  readonly seed: number;
  /** The step number (labels and marks). */
  readonly n: number;
  readonly phase: Phase;
  readonly actors: readonly ConvergenceActor[];
  readonly byName: Readonly<Record<ActorName, ConvergenceActor>>;
  /** Revisions committed so far (revert targets). */
  readonly commits: readonly number[];
  /** A forbidden local edit may be sent now (it must come back refused): false while the gateway is down. */
  readonly canSendForbidden: boolean;
  readonly command: SendChecked;
  readonly problems: string[];
  /** Counts a forbidden local edit that was sent (its refusal is expected). */
  readonly forbiddenSent: () => void;
}

/**
 * One random step, the same draws from `rnd` in the same order for a given seed: a local Yjs edit
 * (allowed, or forbidden and sent alone, which must come back refused and reverted), a
 * `token.set` or `state.ops` (allowed or forbidden by the actor's lens), a commit or a revert.
 */
export async function randomAction(ctx: ActionContext): Promise<void> {
  const { rnd, n, byName, command, problems } = ctx;
  const actor = pick(rnd, [...ctx.actors, byName.alpha, byName.beta, byName.admin]);
  const g = grants(actor.name, ctx.phase);
  const kind = rnd();
  const label = `${actor.name}#${n}`;
  if (kind < 0.45) {
    const forbiddenRoots = ROOTS.filter((r) => !g.writeRoots.includes(r));
    const allowedRoot = g.writeRoots.length > 0 && (forbiddenRoots.length === 0 || rnd() < 0.8);
    if (allowedRoot) randomLocalEdit(actor.t.doc, pick(rnd, g.writeRoots), rnd, label, false);
    else if (!actor.offline && ctx.canSendForbidden) {
      const root = pick(rnd, forbiddenRoots);
      await bounded(actor.t.flushLocalEdits(), 20_000, `${actor.name} flush before a forbidden edit`);
      const before = actor.rejected.length;
      const mark = `${FORBIDDEN_MARK}#${n}`;
      randomLocalEdit(actor.t.doc, root, rnd, mark, true);
      ctx.forbiddenSent();
      await bounded(actor.t.flushLocalEdits(), 20_000, `${actor.name} forbidden edit of ${root}`);
      if (actor.rejected.length !== before + 1)
        problems.push(`${actor.name}: forbidden edit of ${root} was not refused (${actor.rejected.length - before})`);
      if (JSON.stringify(docToJson(actor.t.doc, CONV_MANIFEST.roots)).includes(mark))
        problems.push(`${actor.name}: forbidden edit ${mark} of ${root} still in the local mirror`);
    }
  } else if (actor.offline) {
    // no explicit commands from an actor whose network is off
  } else if (kind < 0.62) {
    const forbiddenTokens = (['a.title', 'b.count', 'secret.code'] as TokenName[]).filter(
      (tk) => !g.writeTokens.includes(tk),
    );
    const allowed = g.writeTokens.length > 0 && (forbiddenTokens.length === 0 || rnd() < 0.75);
    const token = allowed ? pick(rnd, g.writeTokens) : pick(rnd, forbiddenTokens);
    const value = tokenValue(token, rnd, allowed ? label : `${FORBIDDEN_MARK}#${n}`, !allowed);
    command(actor, 'token.set', () => actor.t.setToken(token, value), allowed);
  } else if (kind < 0.8) {
    const forbiddenRoots = ROOTS.filter((r) => !g.writeRoots.includes(r));
    const allowed = g.writeRoots.length > 0 && (forbiddenRoots.length === 0 || rnd() < 0.8);
    const root: RootName = allowed ? pick(rnd, g.writeRoots) : pick(rnd, forbiddenRoots);
    const ops = randomOps(root, rnd, allowed ? label : `${FORBIDDEN_MARK}#${n}`, `${ctx.seed}x${n}`);
    command(actor, 'state.ops', () => actor.t.applyOps(ops), allowed);
  } else if (kind < 0.9 && actor.name !== 'viewer') {
    command(actor, 'canvas.commit', () => actor.t.commit(`commit ${n}`), true);
  } else if (kind < 0.95 && ctx.commits.length > 0) {
    const target = pick(rnd, ctx.commits);
    command(byName.admin, 'canvas.revert', () => byName.admin.t.revert(target), true);
  }
}

/** What stays the same across the steps of one run. */
export interface RunBase {
  readonly rnd: () => number;
  readonly seed: number;
  readonly actors: readonly ConvergenceActor[];
  readonly byName: Readonly<Record<ActorName, ConvergenceActor>>;
  readonly ledger: CommandLedger;
}

/** One random step (`randomAction`) of step `n`, then, drawn from `rnd`, maybe a short pause. */
export async function randomStep(run: RunBase, n: number, phase: Phase, canSendForbidden: boolean): Promise<void> {
  const { rnd, ledger } = run;
  await randomAction({
    rnd,
    seed: run.seed,
    n,
    phase,
    actors: run.actors,
    byName: run.byName,
    commits: ledger.commits,
    canSendForbidden,
    command: ledger.send,
    problems: ledger.problems,
    forbiddenSent: ledger.countForbidden,
  });
  if (rnd() < 0.4) await sleep(Math.floor(rnd() * 25));
}
