import { expect } from 'vitest';
import { api, TestWorld } from './api.ts';
import { type ConvergenceActor, until } from './convergenceActor.ts';
import type { CommandLedger } from './convergenceLedger.ts';
import { type ActorName, CONV_MANIFEST, lensPolicy, pick, randomLocalEdit, randomOps } from './convergenceWorld.ts';

type ByName = Readonly<Record<ActorName, ConvergenceActor>>;

/** Which gateway URL each setup request of `setUpConvCanvas` goes to. */
export interface SetupVia {
  readonly type: string;
  readonly lens: string;
  readonly create: string;
}

/**
 * Registers the convergence board in `project`, PUTs its phase-1 lens and creates canvas c1
 * (each through its own URL of `via`); returns the canvas's scope.
 */
export async function setUpConvCanvas(
  via: SetupVia,
  adminToken: string,
  project: string,
): Promise<Record<string, string>> {
  const put = await api(via.type, 'PUT', `/v1/projects/${project}/canvas-types/convboard`, {
    token: adminToken,
    body: CONV_MANIFEST,
  });
  expect(put.status, put.text).toBe(200);
  const lens = await api(via.lens, 'PUT', `/v1/projects/${project}/lens`, { token: adminToken, body: lensPolicy(1) });
  expect(lens.status, lens.text).toBe(200);
  const world = new TestWorld(via.create, 'acme');
  const scope = world.scope(project, 'c1');
  await world.commit(adminToken, 'canvas.create', scope, { canvas_type: 'convboard' });
  return scope;
}

/** Connects every transport and waits (bounded) for each one's first CANVAS_READY. */
export async function connectAll(actors: readonly ConvergenceActor[]): Promise<void> {
  for (const a of actors) a.t.connect();
  for (const a of actors) {
    const ready = await a.t.ready({ timeoutMs: 15_000 });
    expect(ready.ok, `${a.name}: ${JSON.stringify(ready)}`).toBe(true);
  }
}

/**
 * Just before a gateway is killed: a `token.set` from alpha, a `state.ops` from beta and a local
 * edit of alpha's, all in flight when it dies (the transports retry them under the same
 * command_id: committed once or duplicate). Draws from `rnd` as the ops and the edit need.
 */
export function sendInFlightAtKill(ledger: CommandLedger, byName: ByName, rnd: () => number, n: number): void {
  const { alpha, beta } = byName;
  ledger.send(alpha, 'token.set', () => alpha.t.setToken('a.title', `alpha#kill${n}`), true);
  ledger.send(beta, 'state.ops', () => beta.t.applyOps(randomOps('items', rnd, `beta#kill${n}`, `k${n}`)), true);
  randomLocalEdit(alpha.t.doc, 'notes', rnd, `alpha#kill${n}`, true);
}

/**
 * Takes one of alpha, beta and viewer offline for 300–800 ms (its edits wait, its stream
 * resumes after). Draws the victim, then the window's length.
 */
export function startOfflineWindow(byName: ByName, rnd: () => number): void {
  const victim = pick(rnd, [byName.alpha, byName.beta, byName.viewer]);
  victim.offline = true;
  victim.net.setOffline(true);
  setTimeout(
    () => {
      victim.net.setOffline(false);
      victim.offline = false;
    },
    300 + Math.floor(rnd() * 500),
  );
}

/**
 * Waits (bounded) for the viewer's `lens_changed` CANVAS_READY after a lens PUT: a reset snapshot
 * beyond the `before` readies it had. `what` names the wait in the timeout's message.
 */
export async function awaitViewerLensReset(
  viewer: ConvergenceActor,
  before: number,
  timeoutMs: number,
  what: string,
): Promise<void> {
  await until(() => viewer.readies.length > before, timeoutMs, what).catch((error: Error) => {
    throw new Error(
      `${error.message}: status ${viewer.t.status}, counts ${JSON.stringify(viewer.t.streamCounts)}, errors ${viewer.errors.join(' | ')}\n${viewer.trace.slice(-5).join('\n')}`,
    );
  });
  expect(viewer.readies.at(-1)).toMatchObject({ reset: true, reason: 'lens_changed' });
}
