import {
  builtinCanvases,
  MediaCanvas,
  type MediaProjection,
  mediaCanvas,
  RunConsoleCanvas,
  type RunConsoleProjection,
  runConsoleCanvas,
} from '@easel/canvases';
import { type AnyCanvasCartridge, type CanvasProps, useLens, useRunStream, useTurns } from '@easel/harness';
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

/** The run console fed like the host feeds it: the selected run's stream and the canvas's turns. */
function StoryRunConsoleCanvas(props: CanvasProps<RunConsoleProjection>): ReactNode {
  const run = useRunStream(props.projection.selectedRunId);
  const { turns } = useTurns();
  return <RunConsoleCanvas {...props} run={run} turns={turns} />;
}

/** The built-in cartridges, media and run-console wired through the same hooks as in the host. */
export const STORY_CARTRIDGES: Readonly<Record<string, AnyCanvasCartridge>> = {
  ...builtinCanvases,
  media: { ...mediaCanvas, Component: StoryMediaCanvas },
  'run-console': { ...runConsoleCanvas, Component: StoryRunConsoleCanvas },
};

/** The cartridge for a canvas type (throws for an unknown type: a story bug). */
export function cartridgeFor(type: string): AnyCanvasCartridge {
  const cartridge = STORY_CARTRIDGES[type];
  if (!cartridge) throw new Error(`no cartridge for canvas type ${type}`);
  return cartridge;
}
