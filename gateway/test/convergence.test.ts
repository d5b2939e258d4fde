import { type CanvasTransport, docToJson } from '@easel/transport';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, TestWorld } from './harness/api.ts';
import {
  type ActorName,
  CONV_MANIFEST,
  FORBIDDEN_COUNT,
  FORBIDDEN_MARK,
  type Phase,
  ROOT_MARKS,
  ROOTS,
  TOKENS,
  grants,
  lensPolicy,
  pick,
  randomLocalEdit,
  randomOps,
} from './harness/convergenceWorld.ts';
import {
  type ConvergenceActor,
  bounded,
  compareCursors,
  mirrorState,
  openActor,
  sleep,
  until,
} from './harness/convergenceActor.ts';
import { randomAction } from './harness/convergenceActions.ts';
import { seededRandom } from '../src/agents/models/localText.ts';
import { freePort } from '../src/bus/redisTestHarness.ts';
import { GatewayProcess } from './harness/GatewayProcess.ts';
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

async function runSeed(seed: number): Promise<void> {
  const rnd = seededRandom(seed);
  const project = `conv-${seed}-${ulid().slice(-6).toLowerCase()}`;
  const scope = world.scope(project, 'c1');
  const put = await api(gateway.url, 'PUT', `/v1/projects/${project}/canvas-types/convboard`, {
    token: tokens.admin,
    body: CONV_MANIFEST,
  });
  expect(put.status, put.text).toBe(200);
  expect(
    (await api(gateway.url, 'PUT', `/v1/projects/${project}/lens`, { token: tokens.admin, body: lensPolicy(1) }))
      .status,
  ).toBe(200);
  await world.commit(tokens.admin, 'canvas.create', scope, { canvas_type: 'convboard' });

  const actors = ACTORS.map((name) => openActor(name, gateway.url, tokens[name], scope));
  const byName = Object.fromEntries(actors.map((a) => [a.name, a])) as Record<ActorName, ConvergenceActor>;
  const streams: SseClient[] = [new SseClient(world.streamUrl(scope), { token: tokens.admin })];
  const problems: string[] = [];
  const inflight: Promise<void>[] = [];
  const acked: Array<{ type: string; cursor: string; actor: ActorName }> = [];
  const commits: number[] = [];
  let forbiddenLocal = 0;
  let phase: Phase = 1;
  let boundary: string | null = null; // the last cursor under phase 1
  let down = false;
  let n = 0;

  try {
    for (const a of actors) a.t.connect();
    for (const a of actors) {
      const ready = await a.t.ready({ timeoutMs: 15_000 });
      expect(ready.ok, `${a.name}: ${JSON.stringify(ready)}`).toBe(true);
    }
    await streams[0]!.waitFor((f) => f.event === 'CANVAS_READY', 15_000, 'the raw stream’s CANVAS_READY');
    const start = actors.map((a) => a.t.cursor!);

    /** Sends an explicit command in the background and checks its outcome against the lens. */
    const command = (
      actor: ConvergenceActor,
      type: string,
      run: () => ReturnType<CanvasTransport['send']>,
      allowed: boolean,
    ) => {
      const label = `${actor.name} ${type} #${n}`;
      inflight.push(
        run().then((result) => {
          if (result.ok && allowed) acked.push({ type, cursor: result.value.cursor, actor: actor.name });
          if (result.ok && type === 'canvas.commit') commits.push(result.value.revision);
          if (allowed && !result.ok) problems.push(`${label} was refused: ${JSON.stringify(result.error)}`);
          if (!allowed && (result.ok || result.error.code !== 'forbidden'))
            problems.push(`${label} should be 403 forbidden: ${JSON.stringify(result)}`);
        }),
      );
    };

    const quiesce = async (what: string) => {
      await bounded(Promise.all(inflight.splice(0)), 30_000, `${what}: commands in flight`);
      for (let i = 0; i < 20 && actors.some((a) => a.t.pendingLocalEdits > 0); i++)
        await bounded(Promise.all(actors.map((a) => a.t.flushLocalEdits())), 20_000, `${what}: local edits`);
      const marker = await byName.admin.t.setToken('b.count', Math.floor(rnd() * 1000));
      if (!marker.ok) throw new Error(`${what}: marker refused: ${JSON.stringify(marker.error)}`);
      acked.push({ type: 'token.set', cursor: marker.value.cursor, actor: 'admin' });
      for (const a of actors) {
        const seen = await a.t.awaitCursor(marker.value.cursor, { timeoutMs: 20_000 });
        if (!seen.ok)
          throw new Error(`${what}: ${a.name} never reached ${marker.value.cursor}: ${JSON.stringify(seen)}`);
      }
      const raw = streams.at(-1)!;
      await raw.until(() => raw.lastEventId === marker.value.cursor, 20_000, `${what}: raw stream at the marker`);
      return marker.value.cursor;
    };

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
        boundary = await quiesce('before the lens change');
        const before = actors.map((a) => a.readies.length);
        const res = await api(gateway.url, 'PUT', `/v1/projects/${project}/lens`, {
          token: tokens.admin,
          body: lensPolicy(2),
        });
        expect(res.status, res.text).toBe(200);
        phase = 2;
        // Applied to open streams at once: the viewer (whose reads changed) gets a fresh snapshot.
        const viewer = actors.indexOf(byName.viewer);
        await until(
          () => byName.viewer.readies.length > before[viewer]!,
          10_000,
          'the viewer’s lens_changed CANVAS_READY',
        ).catch((error: Error) => {
          const v = byName.viewer;
          throw new Error(
            `${error.message}: status ${v.t.status}, counts ${JSON.stringify(v.t.streamCounts)}, errors ${v.errors.join(' | ')}\n${v.trace.slice(-5).join('\n')}`,
          );
        });
        expect(byName.viewer.readies.at(-1)).toMatchObject({ reset: true, reason: 'lens_changed' });
      }
      if (step === at.kill) {
        // Killed with commands and local edits in flight: their answers are lost, the transports
        // retry them under the same command_id after the restart (committed once or duplicate).
        const { alpha, beta } = byName;
        command(alpha, 'token.set', () => alpha.t.setToken('a.title', `alpha#kill${n}`), true);
        command(beta, 'state.ops', () => beta.t.applyOps(randomOps('items', rnd, `beta#kill${n}`, `k${n}`)), true);
        randomLocalEdit(alpha.t.doc, 'notes', rnd, `alpha#kill${n}`, true);
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
      if (step === at.offline) {
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

      await randomAction({
        rnd,
        seed,
        n,
        phase,
        actors,
        byName,
        commits,
        canSendForbidden: !down,
        command,
        problems,
        forbiddenSent: () => {
          forbiddenLocal += 1;
        },
      });
      if (rnd() < 0.4) await sleep(Math.floor(rnd() * 25));
    }

    await until(() => actors.every((a) => !a.offline), 5_000, 'the offline window to end');
    const last = await quiesce('at the end');
    const checks = await Promise.all(
      actors.map((a) => api(gateway.url, 'GET', world.canvasPath(scope), { token: tokens[a.name] })),
    );

    // 1. Every mirror equals the server's state as its own lens shows it (roots and tokens).
    for (const [i, a] of actors.entries()) {
      const read = checks[i]!.json;
      expect(checks[i]!.status).toBe(200);
      const readable = grants(a.name, phase).readRoots;
      expect(Object.keys(read.state).sort(), `${a.name} GET roots`).toEqual([...readable].sort());
      expect(mirrorState(a, readable), `${a.name} mirror vs GET state`).toEqual(read.state);
      expect(a.t.tokens, `${a.name} mirror tokens vs GET`).toEqual(read.tokens);
      // What it cannot read is not in its mirror either (GC placeholders only).
      const hidden = ROOTS.filter((r) => !readable.includes(r));
      expect(JSON.stringify(mirrorState(a, hidden)), `${a.name} hidden roots`).not.toContain('#');
      expect(Object.keys(a.t.tokens).sort()).toEqual(
        TOKENS.filter((tk) => grants(a.name, phase).readTokens.includes(tk) && tk in read.tokens).sort(),
      );
    }

    // 2. No forbidden edit is visible anywhere, and every refused local edit was a forbidden one.
    const adminRead = checks[ACTORS.indexOf('admin')]!.json;
    expect(JSON.stringify(adminRead)).not.toContain(FORBIDDEN_MARK);
    expect(adminRead.tokens['b.count']).not.toBe(FORBIDDEN_COUNT);
    for (const a of actors) {
      expect(JSON.stringify(docToJson(a.t.doc, CONV_MANIFEST.roots))).not.toContain(FORBIDDEN_MARK);
      expect(JSON.stringify(a.t.tokens)).not.toContain(FORBIDDEN_MARK);
    }
    expect(actors.flatMap((a) => a.rejected.map((r) => r.code))).toEqual(Array(forbiddenLocal).fill('forbidden'));
    expect(problems).toEqual([]);

    // ... nor any content of a root the actor could not read when it received the update.
    for (const a of actors) {
      for (const u of a.updates) {
        const p: Phase = u.lensChanged || (boundary !== null && compareCursors(u.cursor!, boundary) > 0) ? 2 : 1;
        for (const root of ROOTS.filter((r) => ROOT_MARKS[r] !== '' && !grants(a.name, p).readRoots.includes(r)))
          expect(u.bytes.includes(ROOT_MARKS[root]), `${a.name} got ${root} content at ${u.cursor}`).toBe(false);
      }
    }
    // (The marks do travel in the bytes where the viewer may read them: the check can see them.)
    const shown = byName.viewer.updates.filter((u) => {
      const p: Phase = u.lensChanged || (boundary !== null && compareCursors(u.cursor!, boundary) > 0) ? 2 : 1;
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
    for (const ack of acked)
      expect(
        rawIds.filter((id) => id === ack.cursor),
        `${ack.type} ${ack.cursor}`,
      ).toHaveLength(1);
    for (const [i, a] of actors.entries()) {
      const cursors = a.seen.map((s) => s.cursor);
      for (let j = 1; j < cursors.length; j++)
        expect(compareCursors(cursors[j - 1]!, cursors[j]!), `${a.name} order at ${j}`).toBeLessThan(0);
      // Expected: every event of the raw (admin) stream after its start, except token_patches its lens hid.
      const expected = raw
        .filter((f) => compareCursors(f.id!, start[i]!) > 0)
        .filter((f) => {
          if (f.event !== 'token_patch') return true;
          const p: Phase = boundary !== null && compareCursors(f.id!, boundary) > 0 ? 2 : 1;
          return grants(a.name, p).readTokens.includes(f.json.payload.token_id);
        })
        .map((f) => `${f.id} ${f.event}`);
      expect(
        a.seen.map((s) => `${s.cursor} ${s.type}`),
        `${a.name} events`,
      ).toEqual(expected);
    }

    // 4. Revisions are monotone (as the stream brings them: events, snapshots) and everyone ends
    // on the server's revision. (The mirror's own `revision` once followed a resume's CANVAS_READY
    // ahead and back: see the minimized case below.)
    for (const a of actors) {
      for (let j = 1; j < a.revisions.length; j++)
        expect(a.revisions[j]!, `${a.name} revision ${j}\n${a.trace.join('\n')}`).toBeGreaterThanOrEqual(
          a.revisions[j - 1]!,
        );
      expect(a.t.revision, `${a.name} final revision`).toBe(adminRead.revision);
      expect(a.t.cursor, `${a.name} final cursor`).toBe(last);
    }
    // The run really did what it says: refusals, a reset, reconnects.
    expect(forbiddenLocal).toBeGreaterThan(0);
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
    const scope = world.scope(project, 'c1');
    const put = await api(gateway.url, 'PUT', `/v1/projects/${project}/canvas-types/convboard`, {
      token: tokens.admin,
      body: CONV_MANIFEST,
    });
    expect(put.status, put.text).toBe(200);
    const lens = await api(gateway.url, 'PUT', `/v1/projects/${project}/lens`, {
      token: tokens.admin,
      body: lensPolicy(1),
    });
    expect(lens.status, lens.text).toBe(200);
    await world.commit(tokens.admin, 'canvas.create', scope, { canvas_type: 'convboard' });
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
