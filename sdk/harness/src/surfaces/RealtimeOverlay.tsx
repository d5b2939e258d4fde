import { type ReactNode, useId, useMemo, useState } from 'react';
import { useConnectionStatus } from '../hooks/useConnectionStatus.ts';
import { useRealtime } from '../hooks/useRealtime.ts';
import type { TimelineEntry } from '../stores/TimelineEntry.ts';
import { StatusMessage } from './StatusMessage.tsx';

export interface RealtimeOverlayProps {
  /** Most entries shown. Default 50. */
  limit?: number;
  /** Only these event types. Default: all but streamed tokens (`chat_token`, a run's `token` events). */
  types?: readonly string[];
  /** Heading. Default "Live events". */
  title?: string;
  className?: string;
}

const GROUPS: Record<string, readonly string[] | null> = {
  All: null,
  Canvas: ['CANVAS_READY', 'canvas_created', 'token_patch', 'state_patch', 'canvas_commit', 'snapshot_created'],
  Agent: [
    'turn_accepted',
    'model_status',
    'turn_final',
    'turn_cancelled',
    'commit_succeeded',
    'commit_failed',
    'run_event',
  ],
  Jobs: ['progress', 'plugin_status', 'frame', 'partial_result', 'warning', 'error', 'job_completed'],
};

/**
 * A streamed piece of text (a chat token, a run's `token` event): a run sent one entry per word,
 * which pushed every other event out of the feed. The turn's or run's final text is shown instead.
 */
function isStreamedToken(e: TimelineEntry): boolean {
  return e.type === 'chat_token' || (e.type === 'run_event' && e.payload.kind === 'token');
}

function time(timestamp: string): string {
  const d = new Date(timestamp);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], { hour12: false });
}

/** The live event feed: newest first, filterable by group, pausable. */
export function RealtimeOverlay(props: RealtimeOverlayProps): ReactNode {
  const [group, setGroup] = useState<keyof typeof GROUPS>('All');
  const [frozen, setFrozen] = useState<readonly TimelineEntry[] | null>(null);
  const status = useConnectionStatus();
  const selectId = useId();
  const all = useRealtime({ limit: 500, ...(props.types ? { types: props.types } : {}) });
  const live = frozen ?? all;
  const entries = useMemo(() => {
    const types = GROUPS[group];
    const shown = live.filter((e) => !isStreamedToken(e) && (types === null || types!.includes(e.type)));
    return shown.slice(-(props.limit ?? 50)).reverse();
  }, [live, group, props.limit]);
  return (
    <section className={`ez-panel ez-feed${props.className ? ` ${props.className}` : ''}`} aria-label="Live events">
      <header className="ez-panel__header">
        <h2 className="ez-panel__title">{props.title ?? 'Live events'}</h2>
        <label htmlFor={selectId} className="ez-visually-hidden">
          Show
        </label>
        <select
          id={selectId}
          className="ez-input ez-input--small"
          value={group}
          onChange={(e) => setGroup(e.target.value)}
        >
          {Object.keys(GROUPS).map((g) => (
            <option key={g}>{g}</option>
          ))}
        </select>
        <button
          type="button"
          className="ez-button ez-button--small"
          aria-pressed={frozen !== null}
          onClick={() => setFrozen(frozen ? null : all)}
        >
          {frozen ? 'Resume' : 'Pause'}
        </button>
      </header>
      {entries.length === 0 ? (
        status === 'offline' ? (
          <StatusMessage kind="offline" title="Offline">
            No events while the gateway is unreachable; the feed resumes on its own.
          </StatusMessage>
        ) : (
          <StatusMessage kind="empty" title="Waiting for events…">
            Edits, agent turns and jobs appear here as they happen.
          </StatusMessage>
        )
      ) : (
        <ol className="ez-feed__list" aria-live={frozen ? 'off' : 'polite'}>
          {entries.map((e) => (
            <li
              key={e.key}
              className={`ez-feed__entry ez-feed__entry--${e.type.toLowerCase()}`}
              data-testid="realtime-entry"
              data-type={e.type}
            >
              <time className="ez-feed__time" dateTime={e.timestamp}>
                {time(e.timestamp)}
              </time>
              <span className="ez-feed__type">{e.type}</span>
              <span className="ez-feed__summary" title={e.summary}>
                {e.summary}
              </span>
              {e.actor ? (
                <span
                  className={`ez-feed__actor${e.actor.kind === 'agent' ? ' ez-feed__actor--agent' : ''}`}
                  title={e.actor.id}
                >
                  {e.actor.id}
                </span>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
