import type { ReactNode } from 'react';
import { EaselProvider } from '../provider/EaselProvider.tsx';
import { useHarness } from '../provider/HarnessContext.ts';
import type { LensCanvas } from './LensCanvas.ts';

/**
 * Renders `children` with `canvas` as the provider's canvas: as is when it is the outer
 * provider's, else inside a provider of its transport sharing the outer API and realtime client.
 */
export function CanvasScope(props: { canvas: LensCanvas; children: ReactNode }): ReactNode {
  const outer = useHarness();
  const { canvas } = props;
  if (canvas.transport === outer.transport) return props.children;
  return (
    <EaselProvider
      key={canvas.canvasId}
      transport={canvas.transport}
      realtime={outer.realtime}
      api={outer.api}
      {...(canvas.presence !== undefined ? { presence: canvas.presence } : {})}
    >
      {props.children}
    </EaselProvider>
  );
}
