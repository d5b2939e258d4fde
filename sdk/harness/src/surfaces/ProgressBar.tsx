import type { ReactNode } from 'react';
import { useJobs } from '../hooks/useJobs.ts';

export interface ProgressBarProps {
  /** Follow this job (default: the current one). */
  jobId?: string;
  /** Accessible label. Default "Job progress". */
  label?: string;
}

/** The current job's progress (`#progress-bar`, `role=progressbar`, `aria-valuenow`). */
export function ProgressBar(props: ProgressBarProps): ReactNode {
  const { jobs, current } = useJobs();
  const job = props.jobId ? (jobs.find((j) => j.jobId === props.jobId) ?? null) : current;
  const value = job?.progress ?? 0;
  const rounded = Math.round(value);
  const text = job
    ? `${job.status === 'running' || job.status === 'queued' ? `${rounded}%` : job.status}${job.message ? ` · ${job.message}` : ''}`
    : 'No job running';
  return (
    <div className="ez-progress" data-status={job?.status ?? 'idle'}>
      <div
        id="progress-bar"
        className="ez-progress__track"
        role="progressbar"
        aria-label={props.label ?? 'Job progress'}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={rounded}
        aria-valuetext={text}
      >
        <div className="ez-progress__fill" style={{ width: `${value}%` }} />
      </div>
      <span className="ez-progress__text">{text}</span>
    </div>
  );
}
