import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { ensureHostBuilt } from '../../../gateway/src/dev/ensureHostBuilt.ts';
import { DevGateway } from './DevGateway.ts';
import { CHROMIUM_PATH } from './launchChromium.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the `easel dev` gateway the browser tests share (tests that kill one start their own). */
    easelUrl: string;
  }
}

/**
 * Once per `browser-e2e` run: Chromium must be there (never downloaded); `host/dist` is built now
 * when stale (what `easel dev` does on start), and one real `easel dev` (port 0, temp data dir)
 * serves every test file that does not need a gateway of its own.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} not found: apt-get install -y --no-install-recommends chromium`);
  }
  const built = await ensureHostBuilt({ log: (line) => console.log(`[browser-e2e] ${line}`) });
  if (!built.ok) throw new Error(built.message);
  const gateway = await DevGateway.start({ startTimeoutMs: 120_000 });
  project.provide('easelUrl', gateway.url);
  return async () => {
    await gateway.dispose();
  };
}
