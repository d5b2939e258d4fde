import { type ReactNode, useCallback, useState } from 'react';
import { CanvasLens, type LensCanvas } from '../cartridge/CanvasLens.tsx';
import { ChatRail } from '../surfaces/ChatRail.tsx';
import { ContextPanel } from '../surfaces/ContextPanel.tsx';
import { TokenPanel } from '../surfaces/TokenPanel.tsx';
import { ToolPop } from '../surfaces/ToolPop.tsx';
import { TopPill } from '../surfaces/TopPill.tsx';

export interface StudioTemplateProps {
  /** The canvases of the flow; the active one is chosen by {@link CanvasLens}. */
  canvases: readonly LensCanvas[];
  /** Shown at the start of the top bar. */
  title?: string;
  /** Controls at the end of the top bar (e.g. an actor picker). */
  actions?: ReactNode;
  /** Extra rows of the context panel (flow description, agent prompt). */
  context?: ReactNode;
  /** Replaces the chat rail (e.g. `null` to hide it). */
  chat?: ReactNode;
  /** The chosen canvas, controlled (e.g. from the URL). Default: uncontrolled, the first canvas. */
  selectedId?: string | null;
  /** Called when the user picks a canvas, or the lens follows an agent to one. */
  onSelect?: (canvasId: string) => void;
}

/**
 * Studio: the top bar, the agent chat on the left, the active canvas with its tools in the
 * middle, context and tokens on the right. Every surface follows the active canvas.
 */
export function StudioTemplate(props: StudioTemplateProps): ReactNode {
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
  const tabs = props.canvases.map((c) => ({ canvasId: c.canvasId, title: c.title ?? c.cartridge.manifest.title }));
  return (
    <CanvasLens canvases={props.canvases} selectedId={selected} onSelect={setSelected}>
      {(scope) => (
        <div className="ez-template ez-studio" data-template="studio">
          <TopPill
            {...(props.title !== undefined ? { title: props.title } : {})}
            canvases={tabs}
            activeCanvasId={scope.active.canvasId}
            onSelectCanvas={scope.select}
            actions={props.actions}
          />
          <aside className="ez-studio__left" aria-label="Agent chat">
            {props.chat !== undefined ? props.chat : <ChatRail />}
          </aside>
          <main className="ez-studio__main">
            {scope.following ? (
              <p className="ez-follow" role="status">
                Following the agent’s {scope.following.reason} on this canvas.
              </p>
            ) : null}
            <ToolPop cartridge={scope.active.cartridge} />
            {scope.host}
          </main>
          <aside className="ez-studio__right" aria-label="Context and tokens">
            <ContextPanel>{props.context}</ContextPanel>
            <TokenPanel />
          </aside>
        </div>
      )}
    </CanvasLens>
  );
}
