import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisChild, startRedisChild } from '../src/bus/redisTestHarness.ts';
import { type EmbeddedS3, startEmbeddedS3 } from '../src/sidecars/startEmbeddedS3.ts';
import { adminClient } from '../src/spine/pg/pgTestHarness.ts';
import { api } from './harness/api.ts';
import { GatewayCluster } from './harness/GatewayCluster.ts';
import { postTogether } from './harness/postTogether.ts';

// Two real gateway nodes on one PostgreSQL schema, one Redis and one S3 (an embedded s3rver both
// reach with `--s3`), raced from outside: the same request is written to both nodes at once. The
// spine's compare-and-set records decide across nodes: a sidecar complete emits one
// `snapshot_created` (contract §8), a chosen job or run id is accepted once (§9, §10), the other
// requests answer the winner's payload or 409 `conflict`.

const ROUNDS = 6;
/** Requests per node per round. */
const PER_NODE = 2;

let redis: RedisChild | undefined;
let s3: EmbeddedS3 | undefined;
let s3Dir: string | undefined;
let cluster: GatewayCluster | undefined;
let db: pg.Client | undefined;
let editor: string;
let urls: string[];
const scope = {
  tenant_id: 'acme',
  project_id: 'races',
  app_id: 'test-app',
  surface_id: 'main',
  mode: 'edit',
  canvas_id: 'c1',
};

beforeAll(async () => {
  redis = await startRedisChild();
  s3Dir = mkdtempSync(join(tmpdir(), 'easel-races-s3-'));
  s3 = await startEmbeddedS3({ directory: s3Dir, bucket: 'easel' });
  cluster = await GatewayCluster.start({
    nodes: 2,
    redisUrl: redis.url,
    args: ['--s3', s3.settings.endpoint],
    env: {
      EASEL_LOCAL_TOKEN_DELAY_MS: '1',
      EASEL_S3_ACCESS_KEY: s3.settings.accessKeyId,
      EASEL_S3_SECRET_KEY: s3.settings.secretAccessKey,
      EASEL_S3_BUCKET: 'easel',
      EASEL_S3_VERIFY: 'read',
    },
  });
  urls = cluster.nodes.map((n) => n.url);
  editor = await cluster.node(0).token({ tenant: 'acme', sub: 'eve', roles: ['editor'] });
  const created = await api(urls[0]!, 'POST', '/v1/commands', {
    token: editor,
    body: { command_id: 'races-create', type: 'canvas.create', scope, payload: { canvas_type: 'board' } },
  });
  if (created.status !== 200) throw new Error(`canvas.create: ${created.status} ${created.text}`);
  db = await adminClient();
}, 120_000);

afterAll(async () => {
  await db?.end();
  await cluster?.dispose();
  await redis?.stop();
  await s3?.close();
  if (s3Dir) rmSync(s3Dir, { recursive: true, force: true });
}, 60_000);

/**
 * POSTs `body` to `path` on every node `perNode` times at once: every connection is open before
 * any request is written, then all are written in one go. Statuses and parsed bodies, node by node.
 */
function postToAllAtOnce(perNode: number, path: string, body: unknown) {
  return postTogether(
    urls.flatMap((url) => Array.from({ length: perNode }, () => url)),
    editor,
    path,
    body,
  );
}

/** Durable events of `type` in the cluster's spine whose envelope mentions `needle`. */
async function storedEvents(type: string, needle: string): Promise<number> {
  const { rows } = await db!.query(
    `SELECT count(*)::int AS n FROM "${cluster!.schema}".events WHERE type = $1 AND strpos(envelope::text, $2) > 0`,
    [type, needle],
  );
  return rows[0].n as number;
}

describe('two nodes racing on one spine (PostgreSQL + Redis + one S3)', () => {
  it('[CONTRACT 8] a sidecar completed on both nodes at once emits one snapshot_created; every answer is its payload', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const bytes = Buffer.from(`raced sidecar bytes, round ${round}`);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const created = await api(urls[round % 2]!, 'POST', '/v1/sidecars', {
        token: editor,
        body: { scope, mime: 'text/plain', size: bytes.length, sha256 },
      });
      expect(created.status).toBe(201);
      const { artifact_id: id, upload } = created.json as {
        artifact_id: string;
        upload: { url: string; headers: Record<string, string> };
      };
      const { 'content-length': _length, ...headers } = upload.headers;
      const put = await fetch(upload.url, {
        method: 'PUT',
        headers,
        body: bytes as BodyInit,
        signal: AbortSignal.timeout(10_000),
      });
      await put.arrayBuffer();
      expect(put.status).toBe(200);
      const answers = await postToAllAtOnce(PER_NODE, `/v1/sidecars/${id}/complete`, { scope });
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
      expect(new Set(answers.map((a) => JSON.stringify(a.json))).size).toBe(1);
      expect(answers[0]!.json).toMatchObject({ artifact_id: id, size: bytes.length, sha256 });
      expect(await storedEvents('snapshot_created', id)).toBe(1);
    }
  }, 90_000);

  it('[CONTRACT 9] a chosen job id sent to both nodes at once is accepted once: one 202, the rest 409', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const jobId = `raced-job-${round}`;
      const answers = await postToAllAtOnce(PER_NODE, '/v1/jobs', {
        scope: { ...scope, job_id: jobId },
        pipeline: ['canvas-stats'],
        device_requested: 'cpu',
        input: {},
      });
      expect(answers.map((a) => a.status).sort()).toEqual([202, ...answers.slice(1).map(() => 409)]);
      for (const a of answers.filter((r) => r.status === 409)) {
        expect(a.json.error).toMatchObject({
          code: 'conflict',
          message: `job '${jobId}' already exists in project 'races'`,
        });
      }
    }
    // Each accepted job ran once: one durable job_completed per id.
    const deadline = Date.now() + 30_000;
    for (let round = 0; round < ROUNDS; round++) {
      const needle = `"job_id":"raced-job-${round}"`;
      while ((await storedEvents('job_completed', needle)) === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await storedEvents('job_completed', needle)).toBe(1);
    }
  }, 90_000);

  it('[CONTRACT 10] a chosen run id sent to both nodes at once starts once: one 201, the rest 409', async () => {
    const task = { goal: 'add a note', budget: { tokens: 1000, time_ms: 5000, width: 1, reflection: 0 }, verify: {} };
    for (let round = 0; round < ROUNDS; round++) {
      const runId = `raced-run-${round}`;
      const answers = await postToAllAtOnce(PER_NODE, '/v1/runs', { scope: { ...scope, run_id: runId }, task });
      expect(answers.map((a) => a.status).sort()).toEqual([201, ...answers.slice(1).map(() => 409)]);
      for (const a of answers.filter((r) => r.status === 409)) {
        expect(a.json.error).toMatchObject({
          code: 'conflict',
          message: `run '${runId}' already exists in project 'races'`,
        });
      }
      expect(await storedEvents('run_started', `"run_id":"${runId}"`)).toBe(1);
    }
    for (const node of cluster!.nodes) {
      expect(node.running).toBe(true);
      expect(node.output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    }
  }, 90_000);
});
