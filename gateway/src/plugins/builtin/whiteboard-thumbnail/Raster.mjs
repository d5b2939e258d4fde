// @ts-check

/** @typedef {import('./colors.mjs').Rgba} Rgba */

/**
 * An RGBA pixel buffer with the few fills a thumbnail needs. Coordinates are device pixels
 * (floats); pixel (i, j) is painted when its centre (i + 0.5, j + 0.5) lies inside the shape.
 * Colours blend source-over. Every loop is bounded by the clipped box of the shape.
 */
export class Raster {
  /**
   * @param {number} width
   * @param {number} height
   * @param {Uint8Array} data `width * height * 4` bytes, RGBA, row-major
   */
  constructor(width, height, data) {
    if (data.length !== width * height * 4) throw new Error(`Raster: ${data.length} bytes for ${width}x${height}`);
    this.width = width;
    this.height = height;
    this.data = data;
  }

  /** Paints every pixel with `color` (no blending). @param {Rgba} color */
  clear(color) {
    const { data } = this;
    for (let i = 0; i < data.length; i += 4) {
      data[i] = color.r;
      data[i + 1] = color.g;
      data[i + 2] = color.b;
      data[i + 3] = color.a;
    }
  }

  /**
   * Blends `color` into row `row`, columns `[from, to)` (integers, clipped here).
   * @param {number} row @param {number} from @param {number} to @param {Rgba} color
   */
  run(row, from, to, color) {
    if (color.a === 0 || row < 0 || row >= this.height) return;
    const a = Math.max(0, from);
    const b = Math.min(this.width, to);
    const { data } = this;
    const alpha = color.a / 255;
    for (let i = (row * this.width + a) * 4, end = (row * this.width + b) * 4; i < end; i += 4) {
      if (alpha === 1) {
        data[i] = color.r;
        data[i + 1] = color.g;
        data[i + 2] = color.b;
        data[i + 3] = 255;
      } else {
        data[i] = Math.round(color.r * alpha + (data[i] ?? 0) * (1 - alpha));
        data[i + 1] = Math.round(color.g * alpha + (data[i + 1] ?? 0) * (1 - alpha));
        data[i + 2] = Math.round(color.b * alpha + (data[i + 2] ?? 0) * (1 - alpha));
        data[i + 3] = Math.round(255 * alpha + (data[i + 3] ?? 0) * (1 - alpha));
      }
    }
  }

  /**
   * Fills the box `[x0, x1) × [y0, y1)`; a box thinner than a pixel still paints one.
   * @param {number} x0 @param {number} y0 @param {number} x1 @param {number} y1 @param {Rgba} color
   */
  fillRect(x0, y0, x1, y1, color) {
    const [c0, c1] = cover(x0, x1);
    const [r0, r1] = cover(y0, y1);
    for (let row = Math.max(0, r0); row < Math.min(this.height, r1); row++) this.run(row, c0, c1, color);
  }

  /**
   * Strokes the outline of a box with a band `t` pixels wide centred on its edges.
   * @param {number} x0 @param {number} y0 @param {number} x1 @param {number} y1 @param {number} t @param {Rgba} color
   */
  strokeRect(x0, y0, x1, y1, t, color) {
    const h = t / 2;
    this.fillRect(x0 - h, y0 - h, x1 + h, y0 + h, color);
    this.fillRect(x0 - h, y1 - h, x1 + h, y1 + h, color);
    if (y1 - y0 > t) {
      this.fillRect(x0 - h, y0 + h, x0 + h, y1 - h, color);
      this.fillRect(x1 - h, y0 + h, x1 + h, y1 - h, color);
    }
  }

  /**
   * Fills the ellipse inscribed in the box; one thinner than a pixel paints as a box.
   * @param {number} x0 @param {number} y0 @param {number} x1 @param {number} y1 @param {Rgba} color
   */
  fillEllipse(x0, y0, x1, y1, color) {
    if (x1 - x0 < 1 || y1 - y0 < 1) {
      this.fillRect(x0, y0, x1, y1, color);
      return;
    }
    const cx = (x0 + x1) / 2;
    const cy = (y0 + y1) / 2;
    const [r0, r1] = cover(y0, y1);
    for (let row = Math.max(0, r0); row < Math.min(this.height, r1); row++) {
      const half = halfWidth(row + 0.5 - cy, (x1 - x0) / 2, (y1 - y0) / 2);
      if (half > 0) this.run(row, ...centres(cx - half, cx + half), color);
    }
  }

  /**
   * Strokes the ellipse inscribed in the box with a band `t` pixels wide centred on its outline.
   * @param {number} x0 @param {number} y0 @param {number} x1 @param {number} y1 @param {number} t @param {Rgba} color
   */
  strokeEllipse(x0, y0, x1, y1, t, color) {
    const cx = (x0 + x1) / 2;
    const cy = (y0 + y1) / 2;
    const orx = (x1 - x0 + t) / 2;
    const ory = (y1 - y0 + t) / 2;
    const irx = (x1 - x0 - t) / 2;
    const iry = (y1 - y0 - t) / 2;
    const [r0, r1] = cover(cy - ory, cy + ory);
    for (let row = Math.max(0, r0); row < Math.min(this.height, r1); row++) {
      const dy = row + 0.5 - cy;
      const outer = halfWidth(dy, orx, ory);
      if (outer <= 0) continue;
      const inner = irx > 0 && iry > 0 ? halfWidth(dy, irx, iry) : 0;
      const [a, d] = centres(cx - outer, cx + outer);
      if (inner <= 0) {
        this.run(row, a, d, color);
        continue;
      }
      const [b, c] = centres(cx - inner, cx + inner);
      this.run(row, a, Math.max(a, b), color);
      this.run(row, Math.min(c, d), d, color);
    }
  }

  /**
   * Strokes the segment from (ax, ay) to (bx, by) with round caps, `t` pixels wide (at least 1).
   * @param {number} ax @param {number} ay @param {number} bx @param {number} by @param {number} t @param {Rgba} color
   */
  strokeLine(ax, ay, bx, by, t, color) {
    const h = Math.max(t, 1) / 2;
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const [c0, c1] = cover(Math.min(ax, bx) - h, Math.max(ax, bx) + h);
    const [r0, r1] = cover(Math.min(ay, by) - h, Math.max(ay, by) + h);
    for (let row = Math.max(0, r0); row < Math.min(this.height, r1); row++) {
      const py = row + 0.5;
      let start = -1;
      for (let col = Math.max(0, c0); col <= Math.min(this.width, c1); col++) {
        let inside = false;
        if (col < Math.min(this.width, c1)) {
          const px = col + 0.5;
          const u = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
          const ex = ax + u * dx - px;
          const ey = ay + u * dy - py;
          inside = ex * ex + ey * ey <= h * h;
        }
        if (inside && start < 0) start = col;
        else if (!inside && start >= 0) {
          this.run(row, start, col, color);
          start = -1;
        }
      }
    }
  }

  /** The RGBA of pixel (col, row). @param {number} col @param {number} row @returns {Rgba} */
  pixel(col, row) {
    const i = (row * this.width + col) * 4;
    const { data } = this;
    return { r: data[i] ?? 0, g: data[i + 1] ?? 0, b: data[i + 2] ?? 0, a: data[i + 3] ?? 0 };
  }
}

/**
 * Pixels whose centres lie in `[a, b)`: `[first, end)`, unclipped. @param {number} a @param {number} b
 * @returns {[number, number]}
 */
function centres(a, b) {
  return [Math.ceil(a - 0.5), Math.ceil(b - 0.5)];
}

/** Like {@link centres}, but a non-empty span thinner than a pixel covers one. @param {number} a @param {number} b @returns {[number, number]} */
function cover(a, b) {
  const [first, end] = centres(a, b);
  if (end > first || b < a) return [first, end];
  const one = Math.floor((a + b) / 2);
  return [one, one + 1];
}

/** Half the width of an ellipse (radii rx, ry) at vertical offset dy; ≤ 0 outside. @param {number} dy @param {number} rx @param {number} ry */
function halfWidth(dy, rx, ry) {
  const k = 1 - (dy * dy) / (ry * ry);
  return k <= 0 ? 0 : rx * Math.sqrt(k);
}
