import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { builtinPluginFolders, openPluginHost, type SandboxPluginHost } from '../../../plugins/index.ts';
import { LocalModel } from '../../models/LocalModel.ts';
import { ModelPool } from '../../models/ModelPool.ts';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/run-plugins');

/** What a run test uses: the real plugin sandbox (built-ins + the run-tools fixture) and the local model. */
export interface RunTools {
  readonly host: SandboxPluginHost;
  readonly pool: ModelPool;
}

/**
 * Opens the plugin host and the model pool once per test file (and closes them after it). Read
 * the fields inside tests or hooks: they are set in `beforeAll`.
 */
export function runToolsPerFile(): RunTools {
  let host: SandboxPluginHost | undefined;
  let pool: ModelPool | undefined;
  beforeAll(async () => {
    host = await openPluginHost({
      folders: [...builtinPluginFolders(), { dir: path.join(FIXTURES, 'run-tools'), origin: 'external' }],
    });
    pool = new ModelPool();
    pool.register('local', () => new LocalModel({ tokenDelayMs: 0 }));
  });
  afterAll(async () => {
    await host?.close();
    await pool?.close();
  });
  return {
    get host() {
      if (!host) throw new Error('runToolsPerFile: the plugin host is opened in beforeAll');
      return host;
    },
    get pool() {
      if (!pool) throw new Error('runToolsPerFile: the model pool is opened in beforeAll');
      return pool;
    },
  };
}
