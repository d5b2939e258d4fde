import { defineCanvas } from '@easel/harness';
import { MediaCanvas } from './MediaCanvas.tsx';
import { MEDIA_MANIFEST } from './mediaManifest.ts';
import { projectMedia } from './projectMedia.ts';

/** The `media` cartridge: a permission-gated sidecar gallery. */
export const mediaCanvas = defineCanvas({ manifest: MEDIA_MANIFEST, project: projectMedia, Component: MediaCanvas });
