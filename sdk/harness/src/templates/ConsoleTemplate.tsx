import type { JsonValue } from '@easel/schemas';
import { type ReactNode, useCallback, useState } from 'react';
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
  /** The chosen canvas, controlled (e.g. from the URL). Default: uncontrolled, the first canvas. */
  selectedId?: string | null;
  /** Called when the user picks a canvas in the top bar, or the lens follows an agent to one. */
  onSelect?: (canvasId: string) => void;
}

/** Console: run console, live event feed, job controls with progress, and the plugin inspector. */
export function ConsoleTemplate(props: ConsoleTemplateProps): ReactNode {
  const canvases = props.canvases ?? [];
  const [own, setOwn] = useState<string | null>(null);
  const selected = props.selectedId !== undefined ? props.selectedId : own;
  const onSelect = props.onSelect;
  const setSelected = useCallback(
    (canvasId: string) => {
      setOwn(canvasId);
      onSelect?.(canvasId);
    },
    [onSelect],
  );
  const lensShown = props.runConsole === undefined && canvases.length > 0;
  // The lens shows the followed canvas, else the choice when it is one of ours, else the first.
  const activeId =
    selected !== null && canvases.some((c) => c.canvasId === selected) ? selected : (canvases[0]?.canvasId ?? null);
  return (
    <div className="ez-template ez-console" data-template="console">
      <TopPill
        {...(props.title !== undefined ? { title: props.title } : {})}
        canvases={
          lensShown ? canvases.map((c) => ({ canvasId: c.canvasId, title: c.title ?? c.cartridge.manifest.title })) : []
        }
        activeCanvasId={activeId}
        onSelectCanvas={setSelected}
        actions={props.actions}
      />
      <main className="ez-console__main">
        {props.runConsole !== undefined ? (
          props.runConsole
        ) : lensShown ? (
          <CanvasLens canvases={canvases} selectedId={selected} onSelect={setSelected} />
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
