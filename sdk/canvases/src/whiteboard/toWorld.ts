/** The whiteboard's view at zoom 1, in world units (the SVG viewBox is this divided by the zoom). */
export const VIEW_WIDTH = 960;
export const VIEW_HEIGHT = 600;

/** The part of the SVG's box a `preserveAspectRatio="xMidYMid meet"` viewBox occupies. */
export interface ScreenBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Converts a pointer position (client pixels) to world units for an SVG whose viewBox is
 * `0 0 VIEW_WIDTH/zoom VIEW_HEIGHT/zoom`, drawn with "meet" scaling inside `box`. When the box has no
 * size (not laid out, e.g. in tests) one world unit is `zoom` pixels from the box's corner.
 */
export function toWorld(box: ScreenBox, clientX: number, clientY: number, zoom: number): { x: number; y: number } {
  const vw = VIEW_WIDTH / zoom;
  const vh = VIEW_HEIGHT / zoom;
  if (!(box.width > 0) || !(box.height > 0)) {
    return { x: (clientX - box.left) / zoom, y: (clientY - box.top) / zoom };
  }
  const scale = Math.min(box.width / vw, box.height / vh);
  const offsetX = (box.width - vw * scale) / 2;
  const offsetY = (box.height - vh * scale) / 2;
  return { x: (clientX - box.left - offsetX) / scale, y: (clientY - box.top - offsetY) / scale };
}
