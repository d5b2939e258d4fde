import type { EventSpine } from '../core/spine/EventSpine.ts';
import type { GatewayMetrics } from './createMetrics.ts';

/** Wraps a spine so every append is counted (`easel_appends_total`, `easel_append_batch_size`). */
export function meteredSpine(spine: EventSpine, metrics: Pick<GatewayMetrics, 'append'>): EventSpine {
  return new Proxy(spine, {
    get(target, prop) {
      if (prop === 'append') {
        return (request: Parameters<EventSpine['append']>[0]) => {
          const result = target.append(request);
          result.durable.then(
            () => metrics.append(request.events.length),
            () => {},
          );
          return result;
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
