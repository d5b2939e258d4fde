import type { CanvasTypeManifest } from '@easel/schemas';

/**
 * The `media` canvas type: a gallery of sidecar references (`items`: map of artifact id →
 * `{artifact_id, mime, size?, title?, created_at?, frame_range?}`; refs only, never bytes, contract §8).
 * Seeing and opening the media is gated by the lens's `sidecars.see` / `sidecars.resolve` (contract §6).
 * Registered by the host (not a gateway built-in).
 */
export const MEDIA_MANIFEST: CanvasTypeManifest = {
  type: 'media',
  version: '1.0.0',
  title: 'Media',
  description: 'A gallery of sidecar media (permission-gated).',
  roots: { items: 'map' },
  tokens: {
    'plan.title': { type: 'string', max_length: 200, default: '' },
    'media.size': { type: 'enum', values: ['small', 'medium', 'large'], default: 'medium' },
  },
  tools: [],
};
