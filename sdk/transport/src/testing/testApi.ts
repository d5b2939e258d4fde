import type { Scope } from '@easel/schemas';
import { resolveDeps } from '../lib/deps.ts';
import type { ApiContext } from '../lib/requestJson.ts';
import type { ValidationMode } from '../lib/validation.ts';
import { FakeFetch } from './FakeFetch.ts';
import { ManualTimers, seededRandom } from './ManualTimers.ts';
import { TEST_SCOPE } from './frames.ts';

/** What a scoped REST client (jobs, plugins, runs) is built from in a test, on a scripted gateway. */
export interface TestApi {
  readonly timers: ManualTimers;
  readonly fake: FakeFetch;
  /** The client's options: gateway `http://gw.test`, token `tok`, scope {@link TEST_SCOPE}. */
  readonly api: ApiContext & { readonly scope: () => Scope };
}

/** Options of {@link testApi}. */
export interface TestApiOptions {
  /** How answers are validated (the suite's `mode.current`, see `forEachValidationMode`). */
  readonly validate: ValidationMode;
  /** Seed of the deterministic random (retry jitter, ids). */
  readonly seed: number;
}

/**
 * Client options whose requests go to a {@link FakeFetch} the test answers, on {@link ManualTimers}
 * (time moves with `timers.advance`) and a seeded random. Example: `new JobsClient(testApi(o).api)`.
 */
export function testApi(options: TestApiOptions): TestApi {
  const timers = new ManualTimers();
  const fake = new FakeFetch();
  const deps = resolveDeps({
    validate: options.validate,
    fetch: fake.fetch,
    timers,
    now: timers.now,
    random: seededRandom(options.seed),
  });
  return { timers, fake, api: { deps, baseUrl: 'http://gw.test', token: 'tok', scope: () => TEST_SCOPE } };
}
