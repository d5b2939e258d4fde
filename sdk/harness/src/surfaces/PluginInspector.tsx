import type { PluginInspector as PluginInspectorData } from '@easel/schemas';
import { type ReactNode, useEffect, useState } from 'react';
import { useJobs } from '../hooks/useJobs.ts';
import { usePlugins } from '../hooks/usePlugins.ts';
import { StatusMessage } from './StatusMessage.tsx';

export interface PluginInspectorProps {
  /** Heading. Default "Plugins". */
  title?: string;
  className?: string;
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

/**
 * Every plugin's state (with the reason when FAILED or UNAVAILABLE), counts, the current job's
 * per-plugin timings, and on selection the inspector: tool timings and recent problems
 * (`#plugin-inspector`).
 */
export function PluginInspector(props: PluginInspectorProps): ReactNode {
  const { plugins, loading, error, inspect, refresh } = usePlugins();
  const { current } = useJobs();
  const [selected, setSelected] = useState<string | null>(null);
  const [detail, setDetail] = useState<PluginInspectorData | null | 'loading'>(null);
  useEffect(() => {
    if (selected === null) return setDetail(null);
    let live = true;
    setDetail('loading');
    void inspect(selected).then((d) => live && setDetail(d));
    return () => {
      live = false;
    };
  }, [selected, inspect]);
  const timings = current?.pluginTimings ?? {};
  return (
    <section
      id="plugin-inspector"
      className={`ez-panel ez-plugins${props.className ? ` ${props.className}` : ''}`}
      aria-label="Plugins"
    >
      <header className="ez-panel__header">
        <h2 className="ez-panel__title">{props.title ?? 'Plugins'}</h2>
        <button type="button" className="ez-button ez-button--small" onClick={refresh} aria-busy={loading || undefined}>
          Refresh
        </button>
      </header>
      {error ? (
        <StatusMessage
          kind="error"
          title="Plugins could not be listed"
          action={
            <button type="button" className="ez-button" onClick={refresh}>
              Retry
            </button>
          }
        >
          {error.message}
        </StatusMessage>
      ) : loading && plugins.length === 0 ? (
        <StatusMessage kind="loading" title="Loading plugins…" />
      ) : plugins.length === 0 ? (
        <StatusMessage kind="empty" title="No plugins">
          This gateway has no plugins loaded. Start it with <code>--plugins &lt;dir&gt;</code> to add some.
        </StatusMessage>
      ) : (
        <ul className="ez-plugins__list">
          {plugins.map((p) => (
            <li key={p.name} className="ez-plugin" data-plugin={p.name} data-state={p.state}>
              <button
                type="button"
                className="ez-plugin__head"
                aria-expanded={selected === p.name}
                onClick={() => setSelected(selected === p.name ? null : p.name)}
              >
                <span className="ez-plugin__name">{p.name}</span>
                <span className={`ez-state ez-state--${p.state.toLowerCase()}`}>{p.state}</span>
              </button>
              {p.reason ? <p className="ez-plugin__reason">{p.reason}</p> : null}
              <p className="ez-plugin__counts">
                {p.success_count} ok · {p.error_count} failed
                {p.version ? ` · v${p.version}` : ''}
                {timings[p.name] !== undefined ? (
                  <span className="ez-plugin__timing" data-testid={`plugin-timing-${p.name}`}>
                    {' '}
                    · last job {ms(timings[p.name]!)}
                  </span>
                ) : null}
              </p>
              {selected === p.name ? <PluginDetail detail={detail} /> : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function PluginDetail({ detail }: { detail: PluginInspectorData | null | 'loading' }): ReactNode {
  if (detail === 'loading') return <StatusMessage kind="loading" title="Loading details…" />;
  if (detail === null) return <StatusMessage kind="error" title="Details unavailable" />;
  const tools = Object.entries(detail.tools);
  const problems = [
    ...detail.recent_errors.map((e, i) => ({ ...e, kind: 'error', key: `e${i}` })),
    ...detail.recent_warnings.map((e, i) => ({ ...e, kind: 'warning', key: `w${i}` })),
  ].sort((a, b) => b.at.localeCompare(a.at));
  return (
    <div className="ez-plugin__detail">
      {detail.description ? <p>{detail.description}</p> : null}
      <table className="ez-table">
        <caption className="ez-visually-hidden">Tool timings</caption>
        <thead>
          <tr>
            <th scope="col">Tool</th>
            <th scope="col">Calls</th>
            <th scope="col">p50</th>
            <th scope="col">p95</th>
            <th scope="col">p99</th>
          </tr>
        </thead>
        <tbody>
          {tools.map(([name, tool]) => (
            <tr key={name}>
              <th scope="row" title={tool.description}>
                {name}
              </th>
              <td>{tool.timings_ms?.count ?? 0}</td>
              <td>{tool.timings_ms ? ms(tool.timings_ms.p50) : '—'}</td>
              <td>{tool.timings_ms ? ms(tool.timings_ms.p95) : '—'}</td>
              <td>{tool.timings_ms ? ms(tool.timings_ms.p99) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {problems.length > 0 ? (
        <ul className="ez-plugin__problems">
          {problems.slice(0, 10).map((p) => (
            <li key={p.key} className={`ez-problem ez-problem--${p.kind}`}>
              <time dateTime={p.at}>{new Date(p.at).toLocaleTimeString([], { hour12: false })}</time>{' '}
              {p.tool ? `${p.tool}: ` : ''}
              {p.message}
            </li>
          ))}
        </ul>
      ) : (
        <p className="ez-hint">No recent warnings or errors.</p>
      )}
    </div>
  );
}
