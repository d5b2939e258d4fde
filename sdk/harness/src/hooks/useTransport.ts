import type { CanvasTransport } from '@easel/transport';
import { useHarness } from '../provider/HarnessContext.ts';

/** The provider's transport (for app code; canvases get a `CommandEmitter` instead). */
export function useTransport(): CanvasTransport {
  return useHarness().transport;
}
