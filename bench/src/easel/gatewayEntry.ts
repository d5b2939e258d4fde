import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Entry of the gateway as the bench runs it: relative to the checkout, run by `ServerProcess`. */
const SOURCE_ENTRY = 'gateway/src/cli.ts';
const builds = new Map<string, Promise<string>>();

/**
 * The gateway entry the bench starts in `repoRoot`: the production build (`pnpm build:gateway`:
 * `gateway/dist/easel.mjs`, built once per bench process and checkout), as it is deployed;
 * `EASEL_BENCH_GATEWAY=source` runs the TypeScript sources through tsx instead (as `pnpm easel`
 * does). A checkout without the builder (an older commit under A/B) runs its sources.
 */
export function gatewayEntry(repoRoot: string): Promise<string> {
  benchCommandRate();
  const builder = join(repoRoot, 'gateway/src/build/buildGateway.ts');
  if (process.env.EASEL_BENCH_GATEWAY === 'source' || !existsSync(builder)) return Promise.resolve(SOURCE_ENTRY);
  let built = builds.get(repoRoot);
  if (built === undefined) {
    built = (async () => {
      const { buildGateway } = (await import(pathToFileURL(builder).href)) as {
        buildGateway: () => Promise<{ entry: string }>;
      };
      return (await buildGateway()).entry;
    })();
    builds.set(repoRoot, built);
  }
  return built;
}

/**
 * `EASEL_COMMAND_RATE` of every gateway the bench starts: the bench's writers post thousands of
 * commands per second as one actor, far over the per-actor command rate limit's default (500/s),
 * so the limit is raised out of reach (10⁹ commands/s): nothing is refused, and every command
 * still pays the limiter's check, as in a deployment with the limit on.
 */
export const BENCH_COMMAND_RATE = '1000000000';

/**
 * Sets {@link BENCH_COMMAND_RATE} in this process's environment, which `ServerProcess` passes to
 * every gateway it starts (each launcher gets its entry from {@link gatewayEntry} first, and
 * in-process probes call this before `createGateway`); an `EASEL_COMMAND_RATE` set by whoever
 * runs the bench is kept.
 */
export function benchCommandRate(): void {
  process.env.EASEL_COMMAND_RATE ??= BENCH_COMMAND_RATE;
}
