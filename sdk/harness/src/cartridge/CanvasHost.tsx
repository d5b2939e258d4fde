import type { JsonValue } from '@easel/schemas';
import { type PointerEvent, type ReactNode, useCallback, useMemo, useRef } from 'react';
import { canWriteAnyRoot } from '../api/effectivePermissions.ts';
import { useCanvasMeta } from '../hooks/useCanvasMeta.ts';
import { useCanvasState } from '../hooks/useCanvasState.ts';
import { useCommandEmitter } from '../hooks/useCommandEmitter.ts';
import { useConnectionStatus } from '../hooks/useConnectionStatus.ts';
import { useLens } from '../hooks/useLens.ts';
import { usePresence } from '../hooks/usePresence.ts';
import { useRejectedEdit } from '../hooks/useRejectedEdit.ts';
import { useTokens } from '../hooks/useTokens.ts';
import { PresenceCursors } from '../surfaces/PresenceCursors.tsx';
import { Icon } from '../surfaces/Icon.tsx';
import { StatusMessage } from '../surfaces/StatusMessage.tsx';
import type { CanvasCartridge } from './defineCanvas.ts';
import { HostNoticesContext } from './HostNotices.ts';

export interface CanvasHostProps<P> {
  /** The cartridge to mount on the provider's canvas. */
  cartridge: CanvasCartridge<P>;
  /** Force read-only (e.g. a preview). Default: what the lens allows. */
  readOnly?: boolean;
  /**
   * Report this tab's pointer as its presence cursor (container coordinates) and draw the
   * others' cursors on top. Default: true, unless the cartridge `drawsOwnCursors` (it then calls
   * `presence.setCursor` in its own coordinates and draws the others' cursors itself).
   */
  cursors?: boolean;
  className?: string;
}

/**
 * Mounts a cartridge for the provider's transport: its projection of state and tokens, the
 * command emitter, presence, `readOnly` from the lens, and the last refused edit (shown with its
 * reason; a refused local edit has already been reverted by the transport). The host owns the
 * refused-edit banner and the view-only note; canvases inside it read `useHostShowsNotices()` and
 * do not repeat them.
 */
export function CanvasHost<P>(props: CanvasHostProps<P>): ReactNode {
  const { cartridge, cursors = cartridge.drawsOwnCursors !== true } = props;
  const meta = useCanvasMeta();
  const status = useConnectionStatus();
  const state = useCanvasState();
  const { values } = useTokens();
  const lens = useLens();
  const emit = useCommandEmitter();
  const presence = usePresence();
  const { rejected, dismiss } = useRejectedEdit();
  // A refusal another surface already shows beside its control (ToolPop's) is not said twice.
  const banner = rejected !== null && rejected.shownBy === undefined ? rejected : null;
  const box = useRef<HTMLDivElement>(null);

  const projection = useMemo(
    () => cartridge.project(state as Record<string, JsonValue>, values as Record<string, JsonValue>),
    [cartridge, state, values],
  );
  const roots = Object.keys(cartridge.manifest.roots);
  const lensReadOnly = lens.me !== null && !canWriteAnyRoot(lens.me.permissions, roots);
  const readOnly = props.readOnly ?? lensReadOnly;
  const { setCursor, clearCursor, peers } = presence;
  const onPointerMove = useCallback(
    (event: PointerEvent<HTMLDivElement>) => {
      const el = box.current;
      if (!el) return;
      const rect = el.getBoundingClientRect();
      setCursor(
        Math.round(event.clientX - rect.left + el.scrollLeft),
        Math.round(event.clientY - rect.top + el.scrollTop),
      );
    },
    [setCursor],
  );
  const canvasProps = useMemo(
    () => ({
      projection,
      tokens: values as Record<string, JsonValue>,
      revision: meta.revision,
      emit,
      presence: { peers: [...peers], setCursor },
      readOnly,
      rejected: rejected ? { code: rejected.code, message: rejected.message } : null,
    }),
    [projection, values, meta.revision, emit, peers, setCursor, readOnly, rejected],
  );

  if (!meta.ready) {
    if (status === 'unauthorized' || status === 'forbidden') {
      return (
        <StatusMessage kind="error" title="You can't open this canvas">
          {status === 'unauthorized'
            ? 'Your session is not valid any more. Sign in again, then reload.'
            : 'Your role may not see this canvas. Ask a project admin for access.'}
        </StatusMessage>
      );
    }
    if (status === 'offline') {
      return (
        <StatusMessage kind="offline" title="Offline">
          The gateway can't be reached. Easel keeps trying and loads the canvas as soon as it is back.
        </StatusMessage>
      );
    }
    return <StatusMessage kind="loading" title={`Loading ${cartridge.manifest.title}…`} />;
  }
  if (meta.canvasType !== null && meta.canvasType !== cartridge.manifest.type) {
    return (
      <StatusMessage kind="error" title="Wrong view for this canvas">
        This canvas is a “{meta.canvasType}”; the {cartridge.manifest.title} view can't show it.
      </StatusMessage>
    );
  }
  const { Component } = cartridge;
  const offlineNote = status === 'offline' || status === 'reconnecting';
  const notices = readOnly || offlineNote || banner !== null;
  return (
    <section
      className={`ez-canvas-host${props.className ? ` ${props.className}` : ''}`}
      aria-label={`${cartridge.manifest.title} canvas`}
      data-canvas-type={cartridge.manifest.type}
      data-readonly={readOnly || undefined}
    >
      {/* The notices sit in one box above the surface: side by side (the Split template), that box
          is a row the panes share, so a note of two lines in one pane moves both canvases alike. */}
      {notices ? (
        <div className="ez-canvas-host__notices">
          {readOnly ? (
            <p className="ez-canvas-host__note" role="note">
              View only: your role may not change this canvas.
            </p>
          ) : null}
          {offlineNote ? (
            <p className="ez-canvas-host__note ez-canvas-host__note--offline" role="status">
              {status === 'offline' ? 'Offline: edits are kept and sent when the gateway is back.' : 'Reconnecting…'}
            </p>
          ) : null}
          {banner ? (
            <div className="ez-rejected" role="alert" data-testid="rejected-edit">
              <span>
                <strong>{banner.what === 'edit' ? 'Your edit was undone' : 'Not applied'}:</strong> {banner.message}{' '}
                <code>({banner.code})</code>
              </span>
              <button type="button" className="ez-button ez-button--ghost" onClick={dismiss} aria-label="Dismiss">
                <Icon name="close" />
              </button>
            </div>
          ) : null}
        </div>
      ) : null}
      <div
        ref={box}
        className="ez-canvas-host__surface"
        onPointerMove={cursors ? onPointerMove : undefined}
        onPointerLeave={cursors ? clearCursor : undefined}
      >
        <HostNoticesContext.Provider value={true}>
          <Component {...canvasProps} />
        </HostNoticesContext.Provider>
        {cursors ? <PresenceCursors /> : null}
      </div>
    </section>
  );
}
