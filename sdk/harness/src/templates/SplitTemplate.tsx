import type { ReactNode } from 'react';
import { CanvasHost } from '../cartridge/CanvasHost.tsx';
import type { LensCanvas } from '../cartridge/CanvasLens.tsx';
import { CanvasScope } from '../cartridge/CanvasScope.tsx';
import { StatusMessage } from '../surfaces/StatusMessage.tsx';
import { ToolPop } from '../surfaces/ToolPop.tsx';
import { TopPill } from '../surfaces/TopPill.tsx';

export interface SplitTemplateProps {
  /** The canvases; the first two are shown side by side. */
  canvases: readonly LensCanvas[];
  title?: string;
  actions?: ReactNode;
}

/** Split: two canvases side by side, each with its own tools, presence and refusals. */
export function SplitTemplate(props: SplitTemplateProps): ReactNode {
  const panes = props.canvases.slice(0, 2);
  return (
    <div className="ez-template ez-split" data-template="split">
      <TopPill
        {...(props.title !== undefined ? { title: props.title } : {})}
        canvases={panes.map((c) => ({ canvasId: c.canvasId, title: c.title ?? c.cartridge.manifest.title }))}
        actions={props.actions}
      />
      {/* The page's main landmark (as the other templates have one): the panes, laid out on the
          template's own rows and columns (a subgrid), so it changes nothing on screen. */}
      <main className="ez-split__main">
        {panes.length < 2 ? (
          <StatusMessage kind="empty" title="Split needs two canvases">
            Add a second canvas to this flow to see them side by side.
          </StatusMessage>
        ) : null}
        {panes.map((canvas) => (
          <CanvasScope key={canvas.canvasId} canvas={canvas}>
            <section className="ez-split__pane" aria-label={canvas.title ?? canvas.cartridge.manifest.title}>
              <h2 className="ez-split__title">{canvas.title ?? canvas.cartridge.manifest.title}</h2>
              <ToolPop cartridge={canvas.cartridge} />
              <CanvasHost cartridge={canvas.cartridge} />
            </section>
          </CanvasScope>
        ))}
      </main>
    </div>
  );
}
