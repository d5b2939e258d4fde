import type { JsonValue } from '@easel/schemas';
import { useMemo, useSyncExternalStore } from 'react';
import { useHarness } from '../provider/HarnessContext.ts';

/**
 * The JSON projection of the canvas's roots (`{<root>: JSON}`), recomputed after document
 * updates and identical between them (unchanged roots keep their identity). `select` derives a
 * part of it (recomputed when the state changes or `select` changes).
 */
export function useCanvasState(): Readonly<Record<string, JsonValue>>;
export function useCanvasState<T>(select: (state: Readonly<Record<string, JsonValue>>) => T): T;
export function useCanvasState<T>(select?: (state: Readonly<Record<string, JsonValue>>) => T): unknown {
  const { canvasState } = useHarness();
  const state = useSyncExternalStore(canvasState.subscribe, canvasState.getSnapshot, canvasState.getSnapshot);
  return useMemo(() => (select ? select(state) : state), [state, select]);
}
