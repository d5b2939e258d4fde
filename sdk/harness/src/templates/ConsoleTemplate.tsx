import type { JsonValue } from '@easel/schemas';
import type { ReactNode } from 'react';
import { CanvasLens, type LensCanvas } from '../cartridge/CanvasLens.tsx';
import { JobControls } from '../surfaces/JobControls.tsx';
import { PluginInspector } from '../surfaces/PluginInspector.tsx';
import { ProgressBar } from '../surfaces/ProgressBar.tsx';
import { RealtimeOverlay } from '../surfaces/RealtimeOverlay.tsx';
import { TopPill } from '../surfaces/TopPill.tsx';

export interface ConsoleTemplateProps {
  /** Canvases shown in the left pane (e.g. a `run-console` canvas first). */
  canvases?: readonly LensCanvas[];
  /** Replaces the left pane (e.g. a RunConsole for a run id). */
  runConsole?: ReactNode;
  title?: string;
  actions?: ReactNode;
  /** Job input for {@link JobControls} (default: the provider's canvas). */
  jobInput?: JsonValue | (() => JsonValue);
}

/** Console: run console, live event feed, job controls with progress, and the plugin inspector. */
export function ConsoleTemplate(props: ConsoleTemplateProps): ReactNode {
  const canvases = props.canvases ?? [];
  return (
    <div className="ez-template ez-console" data-template="console">
      <TopPill
        {...(props.title !== undefined ? { title: props.title } : {})}
        canvases={canvases.map((c) => ({ canvasId: c.canvasId, title: c.title ?? c.cartridge.manifest.title }))}
        actions={props.actions}
      />
      <main className="ez-console__main">
        {props.runConsole !== undefined ? (
          props.runConsole
        ) : canvases.length > 0 ? (
          <CanvasLens canvases={canvases} />
        ) : null}
      </main>
      <section className="ez-console__center" aria-label="Jobs and events">
        <JobControls {...(props.jobInput !== undefined ? { input: props.jobInput } : {})} />
        <ProgressBar />
        <RealtimeOverlay />
      </section>
      <aside className="ez-console__right">
        <PluginInspector />
      </aside>
    </div>
  );
}
