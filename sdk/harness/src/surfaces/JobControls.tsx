import type { Device, JsonValue } from '@easel/schemas';
import { type ReactNode, useEffect, useId, useState } from 'react';
import { canSendCommand } from '../api/effectivePermissions.ts';
import { useConnectionStatus } from '../hooks/useConnectionStatus.ts';
import { useJobs } from '../hooks/useJobs.ts';
import { useLens } from '../hooks/useLens.ts';
import { usePlugins } from '../hooks/usePlugins.ts';
import { useTransport } from '../hooks/useTransport.ts';
import { ReasonButton } from './ReasonButton.tsx';

export interface JobControlsProps {
  /** The job input. Default `{canvas_id}` of the provider's canvas (its state is the frame). */
  input?: JsonValue | (() => JsonValue);
  /** Plugins offered as toggles (default: every plugin the gateway lists). */
  plugins?: readonly string[];
  /** Plugins enabled at first (default: the first offered). */
  defaultEnabled?: readonly string[];
  /** Initial frames per second. Default 12. */
  defaultFps?: number;
  className?: string;
}

/**
 * Starts jobs: device (`#device-selector`), one toggle per plugin (`#toggle-<plugin>`), frame
 * rate (`#fps-slider`) and Start. Shows a GPU → CPU fallback and why a start was refused.
 */
export function JobControls(props: JobControlsProps): ReactNode {
  const { plugins: listed, loading } = usePlugins();
  const { start, current } = useJobs();
  const transport = useTransport();
  const lens = useLens();
  const ids = { device: 'device-selector', fps: 'fps-slider' };
  const whyId = `${useId()}-why`;
  const offered = props.plugins ?? listed.map((p) => p.name);
  const [device, setDevice] = useState<Device>('cpu');
  const [fps, setFps] = useState(props.defaultFps ?? 12);
  const [enabled, setEnabled] = useState<readonly string[] | null>(props.defaultEnabled ?? null);
  const [error, setError] = useState<{ text: string; code: string } | null>(null);
  const status = useConnectionStatus();
  // "the gateway is unreachable" is stale once the stream is open again.
  useEffect(() => {
    if (status === 'open') setError((e) => (e !== null && e.code === 'network' ? null : e));
  }, [status]);
  const [starting, setStarting] = useState(false);
  useEffect(() => {
    if (enabled === null && offered.length > 0) setEnabled([offered[0]!]);
  }, [enabled, offered]);
  const on = enabled ?? [];
  const mayRun =
    lens.me === null || lens.me.permissions.commands.length > 0 || canSendCommand(lens.me.permissions, 'job.create');
  const running = current !== null && (current.status === 'queued' || current.status === 'running');
  // Why Start is off (shown under it, and what it is described by): it stays focusable.
  const why = !mayRun
    ? 'Your role may not run jobs.'
    : offered.length > 0 && on.length === 0
      ? 'Turn on at least one plugin to start a job.'
      : null;

  // A role that may not run jobs sees the settings but cannot change them: they stay focusable
  // (`aria-disabled`, not `disabled`) and are described by the same visible reason as Start.
  const locked = !mayRun;
  const lockedProps = locked ? { 'aria-disabled': true, 'aria-describedby': whyId } : {};
  const toggle = (name: string, checked: boolean) =>
    setEnabled(checked ? [...on.filter((n) => n !== name), name] : on.filter((n) => n !== name));
  const run = async () => {
    setError(null);
    setStarting(true);
    const input =
      typeof props.input === 'function' ? props.input() : (props.input ?? { canvas_id: transport.scope.canvas_id });
    const pipeline = offered.filter((name) => on.includes(name));
    const result = await start({ pipeline, device_requested: device, fps, input });
    setStarting(false);
    if (!result.ok) setError({ text: `${result.error.message} (${result.error.code})`, code: result.error.code });
  };

  return (
    <section className={`ez-panel ez-jobs${props.className ? ` ${props.className}` : ''}`} aria-label="Job controls">
      <header className="ez-panel__header">
        <h2 className="ez-panel__title">Run a job</h2>
      </header>
      <div className="ez-field">
        <label htmlFor={ids.device}>Device</label>
        <select
          id={ids.device}
          data-testid="device-selector"
          className="ez-input"
          value={device}
          {...lockedProps}
          onChange={(e) => {
            if (!locked) setDevice(e.target.value as Device);
          }}
        >
          <option value="cpu">CPU</option>
          <option value="gpu">GPU (falls back to CPU when absent)</option>
        </select>
      </div>
      <fieldset className="ez-field ez-field--group">
        <legend>Pipeline</legend>
        {offered.length === 0 ? (
          <p className="ez-hint">{loading ? 'Loading plugins…' : 'No plugins available.'}</p>
        ) : null}
        {offered.map((name) => (
          <label key={name} className="ez-toggle">
            <input
              id={`toggle-${name}`}
              data-testid={`toggle-${name}`}
              type="checkbox"
              className="ez-checkbox"
              checked={on.includes(name)}
              {...lockedProps}
              onChange={(e) => {
                if (!locked) toggle(name, e.target.checked);
              }}
            />
            {name}
          </label>
        ))}
      </fieldset>
      <div className="ez-field">
        <label htmlFor={ids.fps}>
          Frame rate <output htmlFor={ids.fps}>{fps} fps</output>
        </label>
        <input
          id={ids.fps}
          data-testid="fps-slider"
          type="range"
          className="ez-range"
          min={1}
          max={60}
          step={1}
          value={fps}
          {...lockedProps}
          onChange={(e) => {
            if (!locked) setFps(Number(e.target.value));
          }}
        />
      </div>
      <ReasonButton
        className="ez-button ez-button--primary"
        data-testid="job-start"
        reason={why}
        reasonShownAt={whyId}
        busy={starting || running || on.length === 0}
        onClick={() => void run()}
      >
        {running ? 'Job running…' : starting ? 'Starting…' : 'Start job'}
      </ReasonButton>
      {why !== null ? (
        <p id={whyId} className="ez-hint" data-testid="job-start-why">
          {why}
        </p>
      ) : null}
      {current?.fallback ? (
        <p className="ez-hint" role="status">
          Ran on {current.deviceUsed ?? 'another device'} instead of {current.deviceRequested}.
        </p>
      ) : null}
      {current?.error ? (
        <p className="ez-error" role="alert">
          Job failed ({current.error.kind}): {current.error.message}
        </p>
      ) : null}
      {error ? (
        <p className="ez-error" role="alert" data-testid="job-error">
          {error.text}
        </p>
      ) : null}
    </section>
  );
}
