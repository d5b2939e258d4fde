import { builtinCanvases, MediaCanvas, type MediaProjection, mediaCanvas, liveRunConsoleCanvas } from '@easel/canvases';
import { type AnyCanvasCartridge, type CanvasProps, useLens } from '@easel/harness';
import type { ReactNode } from 'react';

/** Media with the lens's sidecar rights (what the host passes); stories resolve nothing. */
function StoryMediaCanvas(props: CanvasProps<MediaProjection>): ReactNode {
  const lens = useLens();
  const rights = lens.me?.permissions.sidecars ?? { see: false, resolve: false };
  return (
    <MediaCanvas
      {...props}
      sidecars={{
        see: rights.see,
        resolve: rights.resolve,
        announced: [],
        resolveUrl: async () => ({ ok: false, code: 'unavailable', message: 'stories resolve no media' }),
      }}
    />
  );
}

/** The built-in cartridges, media and run-console wired through the same hooks as in the host. */
export const STORY_CARTRIDGES: Readonly<Record<string, AnyCanvasCartridge>> = {
  ...builtinCanvases,
  media: { ...mediaCanvas, Component: StoryMediaCanvas },
  'run-console': liveRunConsoleCanvas,
};

/** The cartridge for a canvas type (throws for an unknown type: a story bug). */
export function cartridgeFor(type: string): AnyCanvasCartridge {
  const cartridge = STORY_CARTRIDGES[type];
  if (!cartridge) throw new Error(`no cartridge for canvas type ${type}`);
  return cartridge;
}
