import type { CanvasDoc } from '../canvas/CanvasDoc.ts';

/**
 * Extends the canvas's append chain with one append: `canvas.appendChain` settles once every
 * earlier append and this one (`durable`) are durable, and rejects if any failed (the rejection
 * is handled here, so it is never unhandled; whoever awaits the chain sees it).
 */
export function chainAppend(canvas: Pick<CanvasDoc, 'appendChain'>, durable: Promise<unknown>): void {
  const chained = Promise.all([canvas.appendChain, durable]).then(() => {});
  chained.catch(() => {});
  canvas.appendChain = chained;
}
