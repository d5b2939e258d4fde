import type { CanvasTypeManifest } from '@easel/schemas';

/** A `doc`-like type as 1.0.x registered it: blocks' `text` not yet declared a text field. */
export const DOC_V1: CanvasTypeManifest = {
  type: 'doc',
  version: '1.0.0',
  title: 'Doc',
  description: 'blocks',
  roots: { blocks: 'array', text: 'text' },
  tokens: {},
  tools: [],
};

/** The same type at 1.1.0, declaring blocks' `text` a text field (an upgrade converts plain strings). */
export const DOC_V11: CanvasTypeManifest = { ...DOC_V1, version: '1.1.0', text_fields: { blocks: ['text'] } };
