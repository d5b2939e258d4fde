import { builtinCanvases, MediaCanvas, type MediaProjection, mediaCanvas, liveRunConsoleCanvas } from '@easel/canvases';
import { type AnyCanvasCartridge, type CanvasProps, useLens } from '@easel/harness';
import type { ReactNode } from 'react';

/** Stories resolve and upload nothing (no S3 behind them); module-level, so previews resolve once. */
const STORY_SIDECAR_CALLS = {
  resolveUrl: async () => ({ ok: false as const, code: 'unavailable', message: 'stories resolve no media' }),
  upload: async () => ({ ok: false as const, code: 'unavailable', message: 'stories upload no media' }),
};

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
        ...STORY_SIDECAR_CALLS,
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
