import { CanvasTransport, type RealtimeClient } from '@easel/transport';
import type { HarnessApi } from '../api/HarnessApi.ts';
import { createHarnessApi } from '../api/createHarnessApi.ts';
import { RecordedGateway } from './RecordedGateway.ts';
import { RecordedPresence, type RecordedPresenceOptions } from './RecordedPresence.ts';
import type { Recording } from './Recording.ts';
import { recordedToken } from './recordedEvent.ts';

/** Everything an `<EaselProvider>` takes, replaying one recording. */
export interface RecordedSession {
  /** A real `CanvasTransport` whose `fetch` is the recorded gateway. */
  readonly transport: CanvasTransport;
  /** A real `RealtimeClient` on the same recorded gateway. */
  readonly realtime: RealtimeClient;
  /** The default `HarnessApi` (`createHarnessApi`) on the recorded gateway. */
  readonly api: HarnessApi;
  readonly presence: RecordedPresence;
  readonly gateway: RecordedGateway;
  /** Closes the transport and realtime client and stops the gateway. */
  close(): void;
}

/**
 * Replays a {@link Recording} through the real client stack: `CanvasTransport`, `RealtimeClient`
 * and `createHarnessApi` all talk to an in-memory {@link RecordedGateway} through an injected
 * `fetch`, so components render through exactly the hooks the app uses. Commands are answered
 * (lens enforced) and their events streamed back, so stories stay interactive.
 *
 * @example
 * const session = createRecordedSession({canvas: [canvasReady({manifest, state})], pace: 'instant'});
 * render(<EaselProvider {...sessionProps(session)}><TokenPanel /></EaselProvider>);
 */
export function createRecordedSession(recording: Recording): RecordedSession {
  const gateway = new RecordedGateway(recording);
  const actor = recording.actor ?? { id: 'you', name: 'You', roles: ['editor'] };
  const token = recordedToken({ ...actor, tenant: gateway.scope.tenant_id });
  const transport = new CanvasTransport({
    baseUrl: gateway.baseUrl,
    token,
    scope: gateway.scope,
    fetch: gateway.fetch,
    commandAttempts: 1,
  });
  const realtime = transport.realtime();
  const api = createHarnessApi({ baseUrl: gateway.baseUrl, token, scope: gateway.scope, fetch: gateway.fetch });
  const presenceOptions: RecordedPresenceOptions = {
    self: { id: actor.id, kind: actor.kind ?? 'human', name: actor.name ?? actor.id, color: '#3451d1' },
    ...(recording.peers ? { peers: recording.peers } : {}),
  };
  const presence = new RecordedPresence(presenceOptions);
  return {
    transport,
    realtime,
    api,
    presence,
    gateway,
    close() {
      transport.close();
      realtime.close();
      presence.leave();
      gateway.close();
    },
  };
}

/** Just the transport of a recorded session (its gateway stops when the transport's session is closed). */
export function createRecordedTransport(recording: Recording): CanvasTransport {
  return createRecordedSession(recording).transport;
}

/** A `HarnessApi` answering from a recording (plugins, inspectors, jobs, lens, runs). */
export function createRecordedApi(recording: Recording): HarnessApi {
  return createRecordedSession(recording).api;
}

/** Recorded presence for a provider (`presence={createRecordedPresence({peers})}`). */
export function createRecordedPresence(options: RecordedPresenceOptions = {}): RecordedPresence {
  return new RecordedPresence(options);
}
