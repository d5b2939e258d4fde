/**
 * The thumbnail tool: the `render` tool of the built-in `whiteboard-thumbnail` plugin (contract §9),
 * the `thumbnail` entry of the whiteboard manifest's tools (`WHITEBOARD_MANIFEST`, `@easel/schemas`).
 * The whiteboard's Thumbnail button runs it with `emit.tool(id, args)`; `args` names the plugin and tool
 * and carries the render `params`.
 */
export const WHITEBOARD_THUMBNAIL_TOOL = {
  id: 'thumbnail',
  label: 'Thumbnail',
  plugin: 'whiteboard-thumbnail',
  tool: 'render',
} as const;
