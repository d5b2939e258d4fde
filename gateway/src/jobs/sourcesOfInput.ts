import { DerivedSourceSet, type DerivedSources } from '../core/DerivedSources.ts';

/** Keys of the frame-stage envelope (contract §9) that carry no content of their own. */
const PLAIN_KEYS = new Set(['index', 'fps', 'params']);
const FRAME_KEYS = new Set(['frame', 'prior_frame']);

/**
 * The sources of a single plugin call's input (`POST /v1/plugins/{name}/tools/{tool}:invoke`), for
 * its telemetry (`JobTelemetry` option `sources`): the roots and tokens its canvas frames name,
 * media for image frames. Null when the input carries anything else (`previous`, other keys, no
 * frame): its provenance is unknown, so its telemetry counts as derived from everything. Pure.
 */
export function sourcesOfInput(input: unknown): DerivedSources | null {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return null;
  const set = new DerivedSourceSet();
  let frames = 0;
  for (const [key, value] of Object.entries(input)) {
    if (PLAIN_KEYS.has(key)) continue;
    if (!FRAME_KEYS.has(key) || value === null || typeof value !== 'object' || Array.isArray(value)) return null;
    const frame = value as { kind?: unknown; state?: unknown; tokens?: unknown };
    if (frame.kind === 'image') set.addMedia();
    else if (frame.kind === 'canvas' && isObject(frame.state) && isObject(frame.tokens)) {
      set.addFrame({ kind: 'canvas', state: frame.state, tokens: frame.tokens });
    } else return null;
    frames += 1;
  }
  return frames > 0 ? set.current : null;
}

function isObject(v: unknown): v is object {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
