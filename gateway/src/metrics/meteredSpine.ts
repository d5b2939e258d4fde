import type { EventSpine } from '../core/spine/EventSpine.ts';
import type { GatewayMetrics } from './createMetrics.ts';

/**
 * Wraps a spine so every append is counted (`easel_appends_total`, `easel_append_batch_size`).
 *
 * The wrapper is a plain object built once: every method of the spine (its own and its
 * prototypes', whatever the implementation adds) bound to it, every other property read through
 * a getter. Not a `Proxy`: the command path reads `spine.lookupCommand`, `spine.epoch`, … several
 * times per command, and a trap (plus a bind) per read showed up in profiles.
 */
export function meteredSpine(spine: EventSpine, metrics: Pick<GatewayMetrics, 'append'>): EventSpine {
  const wrapper: Record<PropertyKey, unknown> = {};
  const seen = new Set<PropertyKey>(['constructor']);
  for (let o: object | null = spine; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const key of Reflect.ownKeys(o)) {
      if (seen.has(key)) continue;
      seen.add(key);
      const descriptor = Reflect.getOwnPropertyDescriptor(o, key);
      if (descriptor !== undefined && typeof descriptor.value === 'function') {
        wrapper[key] = (descriptor.value as (...args: unknown[]) => unknown).bind(spine);
      } else {
        Object.defineProperty(wrapper, key, {
          get: () => (spine as unknown as Record<PropertyKey, unknown>)[key],
          enumerable: true,
        });
      }
    }
  }
  const append: EventSpine['append'] = (request) => {
    const result = spine.append(request);
    const events = request.events.length;
    result.durable.then(
      () => metrics.append(events),
      () => {},
    );
    return result;
  };
  wrapper.append = append;
  return wrapper as unknown as EventSpine;
}
