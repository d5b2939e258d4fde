// @ts-check
import { svgPaint } from './colors.mjs';

/** @typedef {import('./buildScene.mjs').Scene} Scene */
/** @typedef {import('./buildScene.mjs').DrawItem} DrawItem */
/** @typedef {import('./colors.mjs').Rgba} Rgba */

/** Characters of a text shape written into the SVG. */
export const MAX_SVG_TEXT = 200;

/**
 * The scene as a standalone SVG document in world coordinates (`viewBox` = the view), so it scales
 * cleanly; one element per drawn shape, each with `data-id` and `data-kind`.
 * @param {Scene} scene
 * @returns {string}
 */
export function renderSvg(scene) {
  const { view } = scene;
  const bg = svgPaint(scene.background);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${scene.width}" height="${scene.height}" ` +
      `viewBox="${num(view.x)} ${num(view.y)} ${num(view.w)} ${num(view.h)}">`,
    `<rect x="${num(view.x)}" y="${num(view.y)}" width="${num(view.w)}" height="${num(view.h)}"${paint('fill', bg)}/>`,
  ];
  for (const item of scene.items) parts.push(element(item));
  parts.push('</svg>');
  return parts.join('\n');
}

/** @param {DrawItem} item @returns {string} */
function element(item) {
  const { shape } = item;
  const data = ` data-id="${escapeXml(shape.id)}" data-kind="${escapeXml(shape.kind)}"`;
  const { x0, y0, x1, y1 } = shape.box;
  const stroke = `${paint('stroke', svgPaint(item.stroke))} stroke-width="${num(item.strokeWidth)}"`;
  switch (item.draw) {
    case 'rect':
      return `<rect${data} x="${num(x0)}" y="${num(y0)}" width="${num(x1 - x0)}" height="${num(y1 - y0)}"${paint('fill', svgPaint(item.fill))}${stroke}/>`;
    case 'ellipse':
      return `<ellipse${data} cx="${num((x0 + x1) / 2)}" cy="${num((y0 + y1) / 2)}" rx="${num((x1 - x0) / 2)}" ry="${num((y1 - y0) / 2)}"${paint('fill', svgPaint(item.fill))}${stroke}/>`;
    case 'line':
      return `<line${data} x1="${num(shape.x)}" y1="${num(shape.y)}" x2="${num(shape.x + shape.w)}" y2="${num(shape.y + shape.h)}"${stroke} stroke-linecap="round"/>`;
    case 'text': {
      const size = Math.max(y1 - y0, 1e-3) * 0.8;
      const text = escapeXml(
        Array.from((shape.text ?? '').slice(0, 2 * MAX_SVG_TEXT))
          .slice(0, MAX_SVG_TEXT)
          .join(''),
      );
      return `<text${data} x="${num(x0)}" y="${num(y0 + size)}" font-size="${num(size)}" font-family="sans-serif"${paint('fill', svgPaint(item.stroke))}>${text}</text>`;
    }
    default:
      return `<rect${data} x="${num(x0)}" y="${num(y0)}" width="${num(x1 - x0)}" height="${num(y1 - y0)}" fill="none"${stroke} stroke-dasharray="4 2"/>`;
  }
}

/** @param {'fill' | 'stroke'} attr @param {{paint: string, opacity: number}} p */
function paint(attr, p) {
  if (p.paint === 'none') return ` ${attr}="none"`;
  return p.opacity < 1 ? ` ${attr}="${p.paint}" ${attr}-opacity="${num(p.opacity)}"` : ` ${attr}="${p.paint}"`;
}

/** A number for an attribute: at most 3 decimals, no `-0`, no exponent. @param {number} n */
function num(n) {
  const rounded = Math.round(n * 1000) / 1000;
  return rounded === 0 ? '0' : rounded.toFixed(3).replace(/\.?0+$/, '');
}

/**
 * Escapes text for XML content and attributes, dropping characters XML 1.0 does not allow
 * (controls other than tab/newline/return, lone surrogates, U+FFFE, U+FFFF).
 * @param {string} text
 */
export function escapeXml(text) {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
