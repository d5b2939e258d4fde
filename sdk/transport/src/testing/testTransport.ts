import { CanvasTransport, type CanvasTransportOptions } from '../CanvasTransport.ts';
import { FakeFetch } from './FakeFetch.ts';
import { ManualTimers, seededRandom } from './ManualTimers.ts';
import { TEST_SCOPE } from './frames.ts';

/** A transport on a scripted gateway, not connected yet. */
export interface TestTransport {
  readonly timers: ManualTimers;
  readonly fake: FakeFetch;
  readonly transport: CanvasTransport;
}

/**
 * A `CanvasTransport` on `TEST_SCOPE` whose requests go to a {@link FakeFetch} the test answers,
 * on {@link ManualTimers} (time moves with `timers.advance`) and a seeded random (seed 7).
 * `options` override any of it (e.g. `paintFirst`, `validate`, `random`).
 */
export function testTransport(options: Partial<CanvasTransportOptions> = {}): TestTransport {
  const timers = new ManualTimers();
  const fake = new FakeFetch();
  const transport = new CanvasTransport({
    baseUrl: 'http://gw.test',
    token: 'tok',
    scope: TEST_SCOPE,
    fetch: fake.fetch,
    timers,
    now: timers.now,
    random: seededRandom(7),
    ...options,
  });
  return { timers, fake, transport };
}
