import type { TurnHistory } from '@easel/schemas';
import { EVENT_PAYLOAD_GUARDS, GUARD_RUNTIME, type Guard, type GuardResult } from '@easel/schemas/guards';
import { parseEnvelope } from '@easel/transport';

const { any, arr, bool, guard, obj, str } = GUARD_RUNTIME;

/**
 * The wrapper of `turnHistorySchema` on the generated guards' runtime: `{events: [{cursor, event}],
 * complete}`, cursors of 1–64 characters, unknown keys dropped as `z.object` does. The events are
 * checked apart (below): `downstreamEventSchema` as a guard is the union of every event.
 */
const wrapper = guard<{ events: Array<{ cursor: string; event: unknown }>; complete: boolean }>(
  obj({ events: arr(obj({ cursor: str(1, 64), event: any() }, 0)), complete: bool() }, 0),
);

const refused = (path: Array<string | number>, message: string): GuardResult<TurnHistory> => ({
  success: false,
  error: { issues: [{ path, message }] },
});

/**
 * `turnHistorySchema` (`GET /v1/canvases/{id}/turns`) without zod: the wrapper with the guard
 * runtime, each event with the transport's `parseEnvelope` (the generated envelope and payload
 * guards, which `CanvasTransport` already loads; the zod union of every event would add ≈ 3.4 KB
 * gzip to an app's first load). Unlike `downstreamEventSchema`, an entry whose type this client
 * does not know is dropped, not refused (forward compatible, as on a stream). Never throws;
 * answers the first issue.
 */
export const turnHistoryGuard: Guard<TurnHistory> = {
  safeParse(value) {
    const parsed = wrapper.safeParse(value);
    if (!parsed.success) return parsed;
    const events: Array<TurnHistory['events'][number]> = [];
    for (const [index, entry] of parsed.data.events.entries()) {
      const path = ['events', index, 'event'];
      const type = (entry.event as { type?: unknown } | null)?.type;
      if (typeof type !== 'string') return refused([...path, 'type'], `an event type is a string, not ${typeof type}`);
      // A type this client does not know (a newer gateway's) is skipped, as the stream reader
      // passes it by: the turns it knows still show.
      if (!Object.hasOwn(EVENT_PAYLOAD_GUARDS, type)) continue;
      const event = parseEnvelope(entry.event, { id: entry.cursor, event: type, data: '' });
      if (!event.ok) return refused(path, event.message);
      events.push({ cursor: entry.cursor, event: event.event as TurnHistory['events'][number]['event'] });
    }
    return { success: true, data: { events, complete: parsed.data.complete } };
  },
};
