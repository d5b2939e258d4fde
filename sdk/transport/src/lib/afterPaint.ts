import type { Timers } from './deps.ts';

/**
 * Runs `run` once the next frame was painted: two animation frames (the first runs before the
 * paint, the second after it), then a task; where there are no frames (Node), after a 0 ms timer.
 * A hidden tab paints no frames: `run` waits until it is shown (or until whoever needs what `run`
 * does calls it sooner).
 */
export function afterPaint(run: () => void, timers: Timers): void {
  if (typeof requestAnimationFrame !== 'function') timers.setTimeout(run, 0);
  else requestAnimationFrame(() => requestAnimationFrame(() => timers.setTimeout(run, 0)));
}
