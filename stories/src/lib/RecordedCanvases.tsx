import { EaselProvider, HarnessStyles, type LensCanvas } from '@easel/harness';
import { createRecordedSession, type RecordedSession, type Recording } from '@easel/harness/testing';
import { type ReactNode, useEffect, useState } from 'react';
import { cartridgeFor } from './storyCartridges.tsx';

/** One canvas of a story: a recording of its stream, and the cartridge that shows it. */
export interface RecordedCanvasSpec {
  recording: Recording;
  /** Canvas type (default: the recording's CANVAS_READY `canvas_type`). */
  type?: string;
  title?: string;
}

function canvasType(spec: RecordedCanvasSpec): string {
  if (spec.type) return spec.type;
  const ready = spec.recording.canvas.map((f) => ('event' in f ? f.event : f)).find((e) => e.type === 'CANVAS_READY');
  return String((ready?.payload as { canvas_type?: string } | undefined)?.canvas_type ?? 'board');
}

const closing = new WeakMap<RecordedSession, ReturnType<typeof setTimeout>>();

/**
 * Replays one recording per canvas through real transports (the harness's recorded gateway) and
 * provides the first as the outer `EaselProvider` (its timeline, API and presence feed the surfaces).
 * `children` receives the canvases as a template takes them.
 */
export function RecordedCanvases(props: {
  canvases: readonly RecordedCanvasSpec[];
  children: (canvases: readonly LensCanvas[]) => ReactNode;
}): ReactNode {
  const [sessions] = useState(() => props.canvases.map((c) => createRecordedSession(c.recording)));
  const [lens] = useState<readonly LensCanvas[]>(() =>
    sessions.map((session, i) => {
      const spec = props.canvases[i]!;
      return {
        canvasId: session.transport.scope.canvas_id,
        ...(spec.title ? { title: spec.title } : {}),
        cartridge: cartridgeFor(canvasType(spec)),
        transport: session.transport,
        presence: session.presence,
      };
    }),
  );
  useEffect(() => {
    // Closed a tick after unmount, so React StrictMode's remount keeps the sessions.
    for (const s of sessions) clearTimeout(closing.get(s));
    return () => {
      for (const s of sessions)
        closing.set(
          s,
          setTimeout(() => s.close(), 0),
        );
    };
  }, [sessions]);
  const first = sessions[0]!;
  return (
    <EaselProvider transport={first.transport} realtime={first.realtime} api={first.api} presence={first.presence}>
      <HarnessStyles />
      {props.children(lens)}
    </EaselProvider>
  );
}
