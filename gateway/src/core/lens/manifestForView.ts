import type { CanvasTypeManifest } from '@easel/schemas';
import type { LensView } from './LensView.ts';

/**
 * The canvas-type manifest as a viewer may see it (contract §6): token declarations the viewer
 * cannot read are left out, so neither their existence nor their declared `default` (which a
 * `token.delete` restores, and so can carry content) reaches it. The same object is returned
 * when nothing is hidden.
 */
export function manifestForView(manifest: CanvasTypeManifest, view: LensView): CanvasTypeManifest {
  const ids = Object.keys(manifest.tokens);
  if (ids.every((id) => view.canReadToken(id))) return manifest;
  const tokens: CanvasTypeManifest['tokens'] = {};
  for (const id of ids) if (view.canReadToken(id)) tokens[id] = manifest.tokens[id]!;
  return { ...manifest, tokens };
}
