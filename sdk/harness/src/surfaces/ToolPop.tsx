import type { CanvasTool, JsonValue } from '@easel/schemas';
import { type ReactNode, useState } from 'react';
import { canSendCommand, canWriteAnyRoot, type EffectivePermissions } from '../api/effectivePermissions.ts';
import type { AnyCanvasCartridge, EmitResult } from '../cartridge/defineCanvas.ts';
import { useCanvasState } from '../hooks/useCanvasState.ts';
import { useTokens } from '../hooks/useTokens.ts';
import { useCanvasMeta } from '../hooks/useCanvasMeta.ts';
import { useCommandEmitter } from '../hooks/useCommandEmitter.ts';
import { useLens } from '../hooks/useLens.ts';
import { ReasonButton } from './ReasonButton.tsx';

export interface ToolPopProps {
  /** The mounted cartridge: its `toolArgs` build each tool's payload from the current projection. */
  cartridge?: AnyCanvasCartridge;
  /** Arguments per tool id (the command payload); default `{}`. */
  args?: Readonly<Record<string, JsonValue | (() => JsonValue)>>;
  /** Called with every tool's outcome. */
  onResult?: (toolId: string, result: EmitResult) => void;
  className?: string;
}

/** ToolPop's emitter options: it shows its refusals itself. */
const TOOL_POP_EMITTER = { shownBy: 'tool-pop' } as const;

/** The canvas manifest's tools as a toolbar: each sends its command; refusals show why. */
export function ToolPop(props: ToolPopProps): ReactNode {
  const meta = useCanvasMeta();
  const lens = useLens();
  // Its refusals are shown here, beside the tool: CanvasHost's banner does not repeat them.
  const emit = useCommandEmitter(TOOL_POP_EMITTER);
  const [busy, setBusy] = useState<string | null>(null);
  const [last, setLast] = useState<{ tool: CanvasTool; result: EmitResult } | null>(null);
  const state = useCanvasState();
  const { values } = useTokens();
  const tools = meta.manifest?.tools ?? [];
  const roots = meta.manifest ? Object.keys(meta.manifest.roots) : [];
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
          const why = whyNot(tool, lens.me?.permissions ?? null, roots) ?? needsArgs(tool, props);
          const allowed = why === null;
          return (
            <ReasonButton
              key={tool.id}
              className="ez-button"
              data-testid={`tool-${tool.id}`}
              reason={why}
              reasonTestId={`tool-${tool.id}-reason`}
              busy={busy !== null}
              aria-busy={busy === tool.id || undefined}
              title={allowed ? (tool.description ?? undefined) : undefined}
              onClick={() => void run(tool)}
            >
              {tool.label}
            </ReasonButton>
          );
        })}
      </div>
      {last && !last.result.ok ? (
        <p className="ez-error" role="alert" data-testid="tool-outcome">
          {last.tool.label} was not applied: {last.result.message} <code>({last.result.code})</code>
        </p>
      ) : last?.result.ok ? (
        <p className="ez-hint" role="status" data-testid="tool-outcome">
          {doneText(last.tool, last.result)}
        </p>
      ) : null}
    </div>
  );
}

/** What a person reads after a tool went through (it may change nothing they can see at once). */
function doneText(tool: CanvasTool, result: Extract<EmitResult, { ok: true }>): string {
  if (result.job) return `${tool.label}: job ${result.job.status}.`;
  return `${tool.label}: done (revision ${result.revision}).`;
}

/**
 * Why a tool that changes the canvas's state cannot be run from the toolbar: its payload (the ops)
 * comes from `args` or the cartridge's `toolArgs`; without either it was sent as `{}` and always
 * refused (`payload.ops: required`).
 */
function needsArgs(tool: CanvasTool, props: ToolPopProps): string | null {
  if (tool.plugin !== undefined || !STATE_COMMANDS.has(tool.command)) return null;
  if (props.args?.[tool.id] !== undefined || props.cartridge?.toolArgs?.[tool.id] !== undefined) return null;
  return `Use the canvas's own controls for ${tool.label}`;
}

/** Commands that change the canvas's state (their tools need a writable root). */
const STATE_COMMANDS: ReadonlySet<string> = new Set(['state.ops', 'state.update']);

/**
 * Why `tool` is not offered to an actor with `permissions` (null: not known yet, the gateway
 * decides), or null when it is: the lens must grant its command, and a tool that changes the
 * canvas's state (not a plugin tool: that runs a job) needs at least one root the role may write.
 */
function whyNot(tool: CanvasTool, permissions: EffectivePermissions | null, roots: readonly string[]): string | null {
  if (permissions === null) return null;
  if (!canSendCommand(permissions, tool.command)) return `Your role may not send ${tool.command}`;
  if (tool.plugin === undefined && STATE_COMMANDS.has(tool.command) && !canWriteAnyRoot(permissions, roots)) {
    return 'Your role may not change this canvas';
  }
  return null;
}
