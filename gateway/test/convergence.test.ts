import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../src/agents/models/localText.ts';
import { freePort } from '../src/bus/redisTestHarness.ts';
import { api, TestWorld } from './harness/api.ts';
import { GatewayProcess } from './harness/GatewayProcess.ts';
import { randomStep } from './harness/convergenceActions.ts';
import { type ConvergenceActor, compareCursors, openActor, sleep, until } from './harness/convergenceActor.ts';
import {
  expectAckedOnce,
  expectedEvents,
  expectMirrorsMatchReads,
  expectNothingForbidden,
  expectRevisionsMonotone,
  expectSeenInOrder,
  updatePhase,
} from './harness/convergenceChecks.ts';
import { CommandLedger, quiesce } from './harness/convergenceLedger.ts';
import {
  awaitViewerLensReset,
  connectAll,
  setUpConvCanvas,
  sendInFlightAtKill,
  startOfflineWindow,
} from './harness/convergenceSteps.ts';
import {
  type ActorName,
  grants,
  lensPolicy,
  type Phase,
  pick,
  ROOT_MARKS,
  randomLocalEdit,
} from './harness/convergenceWorld.ts';
import { SseClient, type SseFrame } from './harness/SseClient.ts';

/**
 * A seeded, randomized end-to-end run of the truth path over real sockets (contract §4–6): one
 * gateway process, four `CanvasTransport`s with different lens roles, a random schedule of local
 * Yjs edits (allowed and forbidden), token.set, state.ops, commits, reverts, a lens change, stream
 * cuts, an offline window and a kill -9 + restart; then quiesce and check the invariants.
 */

const ACTORS: readonly ActorName[] = ['alpha', 'beta', 'viewer', 'admin'];
const STEPS = 110;

let gateway: GatewayProcess;
let world: TestWorld;
const tokens = {} as Record<ActorName, string>;

beforeAll(async () => {
  gateway = await GatewayProcess.start({ args: ['--port', String(await freePort())] });
  world = new TestWorld(gateway.url, 'acme');
  for (const name of ACTORS)
    tokens[name] = await gateway.token({ tenant: 'acme', sub: name, roles: name === 'admin' ? ['admin'] : [name] });
}, 90_000);
afterAll(async () => {
  await gateway?.dispose();
});

/** Every setup request goes to the one gateway. */
const everyRequest = () => ({ type: gateway.url, lens: gateway.url, create: gateway.url });

async function runSeed(seed: number): Promise<void> {
  const rnd = seededRandom(seed);
  const project = `conv-${seed}-${ulid().slice(-6).toLowerCase()}`;
  const scope = await setUpConvCanvas(everyRequest(), tokens.admin, project);

  const actors = ACTORS.map((name) => openActor(name, gateway.url, tokens[name], scope));
  const byName = Object.fromEntries(actors.map((a) => [a.name, a])) as Record<ActorName, ConvergenceActor>;
  const streams: SseClient[] = [new SseClient(world.streamUrl(scope), { token: tokens.admin })];
  let n = 0;
  const ledger = new CommandLedger(() => n);
  const run = { rnd, seed, actors, byName, ledger };
  const settle = { ledger, actors, admin: byName.admin, rnd, raw: () => streams.at(-1)! };
  let phase: Phase = 1;
  let boundary: string | null = null; // the last cursor under phase 1
  let down = false;

  try {
    await connectAll(actors);
    await streams[0]!.waitFor((f) => f.event === 'CANVAS_READY', 15_000, 'the raw stream’s CANVAS_READY');
    const start = actors.map((a) => a.t.cursor!);

    const at = {
      cut: Math.floor(STEPS * (0.15 + rnd() * 0.15)),
      lens: Math.floor(STEPS * (0.35 + rnd() * 0.1)),
      kill: Math.floor(STEPS * (0.55 + rnd() * 0.1)),
      offline: Math.floor(STEPS * (0.75 + rnd() * 0.1)),
    };

    for (let step = 0; step < STEPS; step++) {
      n += 1;
      if (step === at.cut) {
        const victim = pick(rnd, actors);
        victim.net.cut();
      }
      if (step === at.lens) {
        boundary = await quiesce(settle, 'before the lens change');
        const before = byName.viewer.readies.length;
        const res = await api(gateway.url, 'PUT', `/v1/projects/${project}/lens`, {
          token: tokens.admin,
          body: lensPolicy(2),
        });
        expect(res.status, res.text).toBe(200);
        phase = 2;
        // Applied to open streams at once: the viewer (whose reads changed) gets a fresh snapshot.
        await awaitViewerLensReset(byName.viewer, before, 10_000, 'the viewer’s lens_changed CANVAS_READY');
      }
      if (step === at.kill) {
        // Killed with commands and local edits in flight: their answers are lost, the transports
        // retry them under the same command_id after the restart (committed once or duplicate).
        sendInFlightAtKill(ledger, byName, rnd, n);
        await gateway.kill9();
        down = true;
        // Edits made while the gateway is down wait in the transports and go out after the restart.
        for (let i = 0; i < 4; i++) {
          const a = pick(rnd, [byName.alpha, byName.beta, byName.admin]);
          const root = pick(rnd, grants(a.name, phase).writeRoots);
          randomLocalEdit(a.t.doc, root, rnd, `${a.name}#down${i}`, false);
        }
        await sleep(200);
        await gateway.restart();
        down = false;
        streams.push(
          new SseClient(world.streamUrl(scope), { token: tokens.admin, lastEventId: streams.at(-1)!.lastEventId! }),
        );
      }
      if (step === at.offline) startOfflineWindow(byName, rnd);

      await randomStep(run, n, phase, !down);
    }

    await until(() => actors.every((a) => !a.offline), 5_000, 'the offline window to end');
    const last = await quiesce(settle, 'at the end');
    const checks = await Promise.all(
      actors.map((a) => api(gateway.url, 'GET', world.canvasPath(scope), { token: tokens[a.name] })),
    );

    // 1. Every mirror equals the server's state as its own lens shows it (roots and tokens).
    expectMirrorsMatchReads(actors, checks, phase);

    // 2. No forbidden edit is visible anywhere, and every refused local edit was a forbidden one,
    // nor any content of a root the actor could not read when it received the update.
    const adminRead = checks[ACTORS.indexOf('admin')]!.json;
    expectNothingForbidden(actors, adminRead, ledger, boundary);
    // (The marks do travel in the bytes where the viewer may read them: the check can see them.)
    const shown = byName.viewer.updates.filter((u) => {
      const p = updatePhase(u, boundary);
      return (p === 1 && u.bytes.includes(ROOT_MARKS.meta)) || (p === 2 && u.bytes.includes(ROOT_MARKS.body));
    });
    expect(shown.length).toBeGreaterThan(0);

    // 3. Each acknowledged command's events reached every transport exactly once, in cursor order.
    const raw: SseFrame[] = streams.flatMap((s) => s.durable());
    const rawIds = raw.map((f) => f.id!);
    for (let i = 1; i < rawIds.length; i++)
      expect(
        compareCursors(rawIds[i - 1]!, rawIds[i]!),
        `raw order at ${i}: ${raw
          .slice(Math.max(0, i - 2), i + 2)
          .map((f) => `${f.id} ${f.event} ${f.data.slice(0, 300)}`)
          .join('\n')}`,
      ).toBeLessThan(0);
    expectAckedOnce(rawIds, ledger.acked);
    for (const [i, a] of actors.entries()) {
      expectSeenInOrder(a);
      // Expected: every event of the raw (admin) stream after its start, except token_patches its lens hid.
      expect(
        a.seen.map((s) => `${s.cursor} ${s.type}`),
        `${a.name} events`,
      ).toEqual(expectedEvents(raw, a, start[i]!, boundary));
    }

    // 4. Revisions are monotone (as the stream brings them: events, snapshots) and everyone ends
    // on the server's revision. (The mirror's own `revision` once followed a resume's CANVAS_READY
    // ahead and back: see the minimized case below.)
    expectRevisionsMonotone(actors, adminRead.revision, last);
    // The run really did what it says: refusals, a reset, reconnects.
    expect(ledger.forbiddenSent).toBeGreaterThan(0);
    expect(actors.reduce((sum, a) => sum + a.t.streamCounts.opens, 0)).toBeGreaterThanOrEqual(actors.length * 2 + 1);
  } catch (error) {
    console.error(`convergence seed ${seed} failed (rerun with this seed)`);
    throw error;
  } finally {
    for (const a of actors) a.t.close();
    for (const s of streams) s.close();
  }
}

describe('[CONTRACT 4] found by the convergence run (minimized)', () => {
  // Seeds 1–4 found it: on a valid resume (Last-Event-ID, no snapshot) the gateway's CANVAS_READY
  // carries the canvas's current revision with the resume cursor; CanvasMirror.apply takes that
  // revision although it applied no state, then the replay brings the older revisions again, so
  // `transport.revision` / `onRevision` went ahead and back (r, r+3, r+1, r+2, r+3). Fixed in
  // sdk/transport/src/mirror/CanvasMirror.ts: only a CANVAS_READY with a snapshot sets the revision.
  it("[CONTRACT 4] a transport's revision never goes back when its stream resumes after missed events", async () => {
    const project = `resume-${ulid().slice(-6).toLowerCase()}`;
    const scope = await setUpConvCanvas(everyRequest(), tokens.admin, project);
    const a = openActor('alpha', gateway.url, tokens.alpha, scope);
    const seen: number[] = [];
    a.t.onRevision((r) => seen.push(r));
    try {
      a.t.connect();
      expect((await a.t.ready({ timeoutMs: 15_000 })).ok).toBe(true);
      a.net.setOffline(true);
      let last = '';
      for (let i = 1; i <= 3; i++)
        last = (await world.commit(tokens.admin, 'token.set', scope, { token_id: 'b.count', value: i })).cursor;
      a.net.setOffline(false);
      const waited = await a.t.awaitCursor(last, { timeoutMs: 15_000 });
      expect(waited.ok, JSON.stringify(waited)).toBe(true);
      expect(seen).toEqual([0, 1, 2, 3]);
    } finally {
      a.t.close();
    }
  });
});

describe('[CONTRACT 4-6] seeded convergence over real sockets', () => {
  // Fixed seeds (1–4 found the 409 commit and the resume revision); CONVERGENCE_SEEDS=5,6,… explores others.
  const seeds = process.env.CONVERGENCE_SEEDS?.split(',').map(Number) ?? [1, 2, 3, 4];
  for (const seed of seeds) {
    it(`[CONTRACT 4] transports with different lenses converge on the server's truth (seed ${seed})`, async () => {
      await runSeed(seed);
    }, 120_000);
  }
});
