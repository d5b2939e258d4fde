// @ts-check
import { PNG } from 'pngjs';
import { Raster } from './Raster.mjs';

/** @typedef {import('./buildScene.mjs').Scene} Scene */
/** @typedef {import('./buildScene.mjs').DrawItem} DrawItem */

/**
 * Pixels one item may touch: its device box (stroke included) clipped to the image.
 * @param {Scene} scene
 * @param {DrawItem} item
 */
export function pixelWorkOf(scene, item) {
  const { x0, y0, x1, y1 } = deviceBox(scene, item);
  const h = item.stroke.a > 0 ? Math.max(1, item.strokeWidth * scene.scale) / 2 + 1 : 1;
  const w = Math.max(0, Math.min(scene.width, x1 + h) - Math.max(0, x0 - h));
  const ht = Math.max(0, Math.min(scene.height, y1 + h) - Math.max(0, y0 - h));
  return Math.ceil(w) * Math.ceil(ht);
}

/**
 * Rasterizes the scene into a PNG (RGBA, 8 bits). Text draws as a bar in its colour (greeked),
 * unknown kinds as a box outline. `onItem(i)` runs after each item (progress, abort).
 * @param {Scene} scene
 * @param {(done: number) => void} onItem
 * @returns {Buffer}
 */
export function renderPng(scene, onItem) {
  const png = new PNG({ width: scene.width, height: scene.height });
  const raster = new Raster(scene.width, scene.height, png.data);
  raster.clear(scene.background);
  scene.items.forEach((item, i) => {
    drawItem(raster, scene, item);
    onItem(i + 1);
  });
  return PNG.sync.write(png);
}

/**
 * @param {Raster} raster
 * @param {Scene} scene
 * @param {DrawItem} item
 */
function drawItem(raster, scene, item) {
  const { x0, y0, x1, y1 } = deviceBox(scene, item);
  const t = Math.max(1, item.strokeWidth * scene.scale);
  const stroked = item.stroke.a > 0 && item.strokeWidth > 0;
  switch (item.draw) {
    case 'rect':
      raster.fillRect(x0, y0, x1, y1, item.fill);
      if (stroked) raster.strokeRect(x0, y0, x1, y1, t, item.stroke);
      return;
    case 'ellipse':
      raster.fillEllipse(x0, y0, x1, y1, item.fill);
      if (stroked) raster.strokeEllipse(x0, y0, x1, y1, t, item.stroke);
      return;
    case 'line': {
      const { shape } = item;
      const ax = (shape.x - scene.view.x) * scene.scale;
      const ay = (shape.y - scene.view.y) * scene.scale;
      const bx = (shape.x + shape.w - scene.view.x) * scene.scale;
      const by = (shape.y + shape.h - scene.view.y) * scene.scale;
      if (stroked) raster.strokeLine(ax, ay, bx, by, t, item.stroke);
      return;
    }
    case 'text': {
      const chars = Array.from((item.shape.text ?? '').slice(0, 10_000)).length;
      if (chars === 0) return;
      const height = y1 - y0;
      const bar = Math.max(1, height * 0.4);
      const mid = (y0 + y1) / 2;
      const length = Math.min(x1 - x0, chars * 0.5 * height);
      raster.fillRect(x0, mid - bar / 2, x0 + length, mid + bar / 2, {
        ...item.stroke,
        a: Math.round(item.stroke.a * 0.6),
      });
      return;
    }
    default:
      if (stroked) raster.strokeRect(x0, y0, x1, y1, t, item.stroke);
  }
}

/** @param {Scene} scene @param {DrawItem} item */
function deviceBox(scene, item) {
  const { box } = item.shape;
  const { view, scale } = scene;
  return {
    x0: (box.x0 - view.x) * scale,
    y0: (box.y0 - view.y) * scale,
    x1: (box.x1 - view.x) * scale,
    y1: (box.y1 - view.y) * scale,
  };
}
