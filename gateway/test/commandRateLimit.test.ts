import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CanvasTransport } from '@easel/transport';
import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import { api } from './harness/api.ts';
import { bounded } from './harness/bounded.ts';
import { expectErrorBody } from './harness/expectErrorBody.ts';
import { gatewayPerFile } from './harness/gatewayPerFile.ts';
import { REPO_ROOT } from './harness/GatewayProcess.ts';

/** A low limit, so a test can go over it quickly: 20 commands/s per actor, bursts of 10. */
const RATE = 20;
const BURST = 10;
const env = gatewayPerFile(
  {
    setup: { tenant: 'acme', sub: 'setup' },
    alice: { tenant: 'acme', sub: 'alice' },
    bob: { tenant: 'acme', sub: 'bob' },
    dave: { tenant: 'acme', sub: 'dave' },
    erin: { tenant: 'acme', sub: 'erin' },
    frank: { tenant: 'acme', sub: 'frank' },
  },
  { env: { EASEL_COMMAND_RATE: String(RATE), EASEL_COMMAND_BURST: String(BURST) } },
);

const RATE_MESSAGE = `this actor sent commands faster than this gateway admits (${RATE} commands/s, bursts of ${BURST}); nothing was applied: retry the same command_id after 1 s (Retry-After)`;

/** A fresh canvas made by the `setup` actor (so the actors under test start with full buckets). */
async function canvas(project: string): Promise<Record<string, string>> {
  return env.world.newCanvas(env.tokens.setup, project, 'c1');
}

function tokenSet(scope: Record<string, string>, value: string, commandId = ulid()) {
  return { command_id: commandId, type: 'token.set', scope, payload: { token_id: 'plan.title', value } };
}

async function canvasState(scope: Record<string, string>): Promise<{ revision: number; title: unknown }> {
  const res = await api(env.gateway.url, 'GET', env.world.canvasPath(scope), { token: env.tokens.setup });
  expect(res.status, res.text).toBe(200);
  const tokens = res.json.tokens as Record<string, unknown>;
  return { revision: res.json.revision, title: tokens['plan.title'] };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('per-actor command rate limit (EASEL_COMMAND_RATE, EASEL_COMMAND_BURST)', () => {
  it('[CONTRACT 3] over the limit: 429 rate_limited with Retry-After, nothing applied, the id not recorded; another actor unaffected', async () => {
    const scope = await canvas('rl-single');
    const post = (token: string, body: unknown) =>
      api(env.gateway.url, 'POST', '/v1/commands', { token, body, timeoutMs: 10_000 });
    // Sequential sends arrive far faster than 20/s: the bucket (10) runs dry within a few more.
    let admitted = 0;
    let refused: Awaited<ReturnType<typeof post>> | null = null;
    let refusedBody: ReturnType<typeof tokenSet> | null = null;
    for (let i = 0; i < 200 && refused === null; i++) {
      const body = tokenSet(scope, `a-${i}`);
      const res = await post(env.tokens.alice, body);
      if (res.status === 200) {
        expect(res.json.status).toBe('committed');
        admitted++;
      } else {
        refused = res;
        refusedBody = body;
      }
    }
    expect(refused, 'no command was refused').not.toBeNull();
    expect(admitted).toBeGreaterThanOrEqual(BURST);
    expectErrorBody(refused!, 429, 'rate_limited');
    expect(refused!.headers.get('retry-after')).toBe('1');
    expect(refused!.json.error).toEqual({
      code: 'rate_limited',
      message: RATE_MESSAGE,
      details: { rate_per_second: RATE, burst: BURST, retry_after_seconds: 1 },
      request_id: refused!.json.error.request_id,
    });

    // Nothing of the refused command was applied.
    const after = await canvasState(scope);
    expect(after).toEqual({ revision: admitted, title: `a-${admitted - 1}` });

    // Another actor is not refused meanwhile.
    for (let i = 0; i < 3; i++) {
      const res = await post(env.tokens.bob, tokenSet(scope, `b-${i}`));
      expect(res.status, res.text).toBe(200);
    }

    // After Retry-After, the same command id applies normally (it was not recorded as seen).
    await sleep(1000);
    const retried = await post(env.tokens.alice, refusedBody);
    expect(retried.status, retried.text).toBe(200);
    expect(retried.json.status).toBe('committed');
    expect(await canvasState(scope)).toEqual({ revision: admitted + 4, title: refusedBody!.payload.value });
    // And it is recorded now: once more is a duplicate.
    const again = await post(env.tokens.alice, refusedBody);
    expect(again.status, again.text).toBe(200);
    expect(again.json.status).toBe('duplicate');
  });

  it('[CONTRACT 5] a batch takes one token per command: over what is left it is refused whole, and its retry applies every command', async () => {
    const scope = await canvas('rl-batch');
    const batch = (commands: unknown[]) =>
      api(env.gateway.url, 'POST', '/v1/commands:batch', { token: env.tokens.dave, body: { commands } });

    // More commands than the burst: refused whole at once, nothing applied (it could never fit).
    const tooMany = Array.from({ length: BURST + 1 }, (_, i) => tokenSet(scope, `big-${i}`));
    const big = await batch(tooMany);
    expectErrorBody(big, 413, 'payload_too_large');
    expect(big.json.error.message).toBe(
      `this batch has ${BURST + 1} commands, more than the ${BURST} an actor may send at once to this gateway (EASEL_COMMAND_BURST); nothing was applied: split it into batches of at most ${BURST} commands`,
    );
    expect(big.json.error.details).toEqual({ commands: BURST + 1, burst: BURST });
    expect(big.headers.get('retry-after')).toBeNull();
    expect(await canvasState(scope)).toEqual({ revision: 0, title: '' });

    // A batch of the burst empties the full bucket; a second one right after does not fit (it would
    // need half a second of refills).
    const first = await batch(Array.from({ length: BURST }, (_, i) => tokenSet(scope, `one-${i}`)));
    expect(first.status, first.text).toBe(200);
    const second = Array.from({ length: BURST }, (_, i) => tokenSet(scope, `two-${i}`));
    const refused = await batch(second);
    expectErrorBody(refused, 429, 'rate_limited');
    expect(refused.json.error.message).toBe(RATE_MESSAGE);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await canvasState(scope)).toEqual({ revision: BURST, title: `one-${BURST - 1}` });

    // Retried after Retry-After under the same ids: every command is applied, none a duplicate.
    await sleep(1000);
    const retried = await batch(second);
    expect(retried.status, retried.text).toBe(200);
    expect(retried.json.outcomes.map((o: { status: string }) => o.status)).toEqual(Array(BURST).fill('committed'));
    expect(await canvasState(scope)).toEqual({ revision: 2 * BURST, title: `two-${BURST - 1}` });

    const metrics = await api(env.gateway.url, 'GET', '/metrics');
    const line = metrics.text.split('\n').find((l) => l.startsWith('easel_commands_rate_limited_total{route="batch"}'));
    expect(Number(line?.split(' ')[1])).toBeGreaterThanOrEqual(BURST + 1 + BURST);
  });

  it('[CONTRACT 5] @easel/transport recovers from a burst over the limit: every command committed exactly once under its id, another actor unaffected', async () => {
    const scope = await canvas('rl-transport');
    const COUNT = 40; // 4 bursts' worth: about 1.5 s of refills at 20/s
    const transport = new CanvasTransport({
      baseUrl: env.gateway.url,
      token: env.tokens.erin,
      scope: scope as never,
      paintFirst: false,
      commandAttempts: 20,
    });
    try {
      const ids = Array.from({ length: COUNT }, () => ulid());
      const sends = ids.map((commandId, i) => transport.setToken('plan.note', `e-${i}`, { commandId }));
      // Meanwhile another actor writes, well within its own limit, and is never refused.
      const other: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await api(env.gateway.url, 'POST', '/v1/commands', {
          token: env.tokens.frank,
          body: tokenSet(scope, `f-${i}`),
        });
        other.push(res.status);
        await sleep(100);
      }
      expect(other).toEqual([200, 200, 200, 200, 200]);
      const results = await bounded(Promise.all(sends), 60_000, 'the transport to commit the burst');
      const failures = results.filter((r) => !r.ok);
      expect(failures).toEqual([]);
      const sent = results.map((r) => (r.ok ? r.value : null))!;
      expect(sent.map((s) => s?.commandId)).toEqual(ids);
      expect(sent.map((s) => s?.status)).toEqual(Array(COUNT).fill('committed'));
      // Exactly once: one revision per command (and frank's 5), all distinct.
      const revisions = new Set(sent.map((s) => s?.revision));
      expect(revisions.size).toBe(COUNT);
      expect((await canvasState(scope)).revision).toBe(COUNT + 5);
    } finally {
      transport.close();
    }
    // Some of the burst was in fact refused on the way (the limit was exercised).
    const metrics = await api(env.gateway.url, 'GET', '/metrics');
    const line = metrics.text
      .split('\n')
      .find((l) => l.startsWith('easel_commands_rate_limited_total{route="single"}'));
    expect(Number(line?.split(' ')[1])).toBeGreaterThanOrEqual(COUNT - BURST);
  });
});

describe('easel serve with a bad EASEL_COMMAND_* setting', () => {
  it('[CONTRACT 12] stops at start: exit 2, one line naming the setting and what it must be', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'easel-rate-'));
    try {
      for (const [name, value, expected] of [
        [
          'EASEL_COMMAND_RATE',
          'fast',
          'easel serve: EASEL_COMMAND_RATE must be a number of commands per second per actor (e.g. 500), or 0 for no limit, not "fast"',
        ],
        [
          'EASEL_COMMAND_BURST',
          '0',
          'easel serve: EASEL_COMMAND_BURST must be a positive integer of commands (e.g. 1000), not "0"',
        ],
      ] as const) {
        const res = spawnSync(
          process.execPath,
          ['--import', 'tsx', 'gateway/src/cli.ts', 'serve', '--port', '0', '--data', path.join(root, name)],
          {
            cwd: REPO_ROOT,
            env: { ...process.env, EASEL_JWT_SECRET: 'rate-secret', [name]: value },
            encoding: 'utf8',
            timeout: 60_000,
          },
        );
        expect(res.status).toBe(2);
        expect(res.stderr).toContain(expected);
        expect(res.stderr).not.toMatch(/\n\s+at /);
        expect(res.stdout).not.toMatch(/listening on/);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
