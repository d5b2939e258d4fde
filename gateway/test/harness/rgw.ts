import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { REPO_ROOT } from './GatewayProcess.ts';

/** A real S3 endpoint (Ceph RGW) the sidecar tests run against. */
export interface RgwEndpoint {
  /** e.g. `http://127.0.0.1:7480` */
  readonly endpoint: string;
  readonly accessKey: string;
  readonly secretKey: string;
}

const SCRIPT = path.join(REPO_ROOT, 'scripts/s3-rgw.sh');
/** First start may install the Debian packages (~1 min) before the ~15 s start. */
const START_TIMEOUT_MS = 300_000;

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      'sh',
      [SCRIPT, ...args],
      { cwd: REPO_ROOT, env, timeout: START_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

/**
 * Registers `beforeAll`/`afterAll` in the calling test file: starts Ceph RGW with
 * `scripts/s3-rgw.sh start` (or reuses the one running, e.g. started by `.ci/run`), and stops it
 * after the file only if this file started it (set `EASEL_RGW_KEEP=1` to keep it). Port, data dir
 * and keys follow the script's environment (`EASEL_RGW_PORT`, `EASEL_RGW_DIR`,
 * `EASEL_S3_ACCESS_KEY`, `EASEL_S3_SECRET_KEY`). Fails the file with the script's output when RGW
 * cannot start. Read the result inside tests and hooks only.
 */
export function rgwPerFile(): { readonly current: RgwEndpoint } {
  let current: RgwEndpoint | undefined;
  let startedHere = false;
  const env = { ...process.env };
  beforeAll(async () => {
    const started = await run(['start'], env);
    const m = /S3 ready at (http:\/\/\S+) \(access key \S+?(, reused)?\)/.exec(started.output);
    if (started.code !== 0 || !m) {
      throw new Error(
        `Ceph RGW could not start (scripts/s3-rgw.sh start, exit ${started.code}); the sidecar tests need it. ` +
          `It needs root (apt-get install radosgw ceph-mon ceph-osd) and free ports ${env.EASEL_RGW_PORT ?? 7480} ` +
          `and ${env.EASEL_RGW_MON_PORT ?? 6789}. Output:\n${started.output.slice(-3000)}`,
      );
    }
    startedHere = m[2] === undefined;
    current = {
      endpoint: m[1]!,
      accessKey: env.EASEL_S3_ACCESS_KEY || 'devkey',
      secretKey: env.EASEL_S3_SECRET_KEY || 'devsecret',
    };
  }, START_TIMEOUT_MS + 10_000);
  afterAll(async () => {
    if (startedHere && env.EASEL_RGW_KEEP !== '1') await run(['stop'], env);
  }, 60_000);
  return {
    get current() {
      if (!current) throw new Error('rgwPerFile: RGW is not started (use it inside tests)');
      return current;
    },
  };
}
