import type { CanvasTool, JsonValue } from '@easel/schemas';
import { type ReactNode, useState } from 'react';
import { canSendCommand } from '../api/effectivePermissions.ts';
import type { AnyCanvasCartridge, EmitResult } from '../cartridge/defineCanvas.ts';
import { useCanvasState } from '../hooks/useCanvasState.ts';
import { useTokens } from '../hooks/useTokens.ts';
import { useCanvasMeta } from '../hooks/useCanvasMeta.ts';
import { useCommandEmitter } from '../hooks/useCommandEmitter.ts';
import { useLens } from '../hooks/useLens.ts';

export interface ToolPopProps {
  /** The mounted cartridge: its `toolArgs` build each tool's payload from the current projection. */
  cartridge?: AnyCanvasCartridge;
  /** Arguments per tool id (the command payload); default `{}`. */
  args?: Readonly<Record<string, JsonValue | (() => JsonValue)>>;
  /** Called with every tool's outcome. */
  onResult?: (toolId: string, result: EmitResult) => void;
  className?: string;
}

/** The canvas manifest's tools as a toolbar: each sends its command; refusals show why. */
export function ToolPop(props: ToolPopProps): ReactNode {
  const meta = useCanvasMeta();
  const lens = useLens();
  const emit = useCommandEmitter();
  const [busy, setBusy] = useState<string | null>(null);
  const [last, setLast] = useState<{ tool: CanvasTool; result: EmitResult } | null>(null);
  const state = useCanvasState();
  const { values } = useTokens();
  const tools = meta.manifest?.tools ?? [];
  if (!meta.ready || tools.length === 0) return null;

  const run = async (tool: CanvasTool) => {
    setBusy(tool.id);
    const arg = props.args?.[tool.id];
    const build = props.cartridge?.toolArgs?.[tool.id];
    const tokens = values as Record<string, JsonValue>;
    const args =
      arg !== undefined
        ? typeof arg === 'function'
          ? arg()
          : arg
        : build
          ? build(props.cartridge!.project(state as Record<string, JsonValue>, tokens), tokens)
          : undefined;
    const result = await emit.tool(tool.id, args);
    setBusy(null);
    setLast({ tool, result });
    props.onResult?.(tool.id, result);
  };

  return (
    <div className={`ez-toolpop${props.className ? ` ${props.className}` : ''}`}>
      <div className="ez-toolpop__bar" role="toolbar" aria-label={`${meta.manifest?.title ?? 'Canvas'} tools`}>
        {tools.map((tool) => {
          const allowed = lens.me === null || canSendCommand(lens.me.permissions, tool.command);
          return (
            <button
              key={tool.id}
              type="button"
              className="ez-button"
              data-testid={`tool-${tool.id}`}
              disabled={!allowed || busy !== null}
              aria-busy={busy === tool.id || undefined}
              title={allowed ? (tool.description ?? tool.label) : `Your role may not send ${tool.command}`}
              onClick={() => void run(tool)}
            >
              {tool.label}
            </button>
          );
        })}
      </div>
      {last && !last.result.ok ? (
        <p className="ez-error" role="alert">
          {last.tool.label} was not applied: {last.result.message} <code>({last.result.code})</code>
        </p>
      ) : null}
    </div>
  );
}
