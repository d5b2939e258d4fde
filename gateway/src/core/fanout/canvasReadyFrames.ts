import { randomBytes } from 'node:crypto';
import type { CanvasReadyPayload } from '@easel/schemas';
import { cachedSnapshotBytes } from '../canvas/fullSnapshot.ts';
import { cachedJsonBytes, cachedJsonText } from '../canvas/fullState.ts';
import { encodeEventFrame, type FramePart, hasLineBreak } from './sseFrames.ts';

/** The envelope JSON of a per-connection event of `type` (`gatewayEnvelopeJson` bound to a stream). */
export type EnvelopeJson = (type: string, payload: object) => string;

/**
 * `EASEL_PAINT_SPLIT=0` sends a paint-first snapshot in one CANVAS_READY (`update` beside `state`,
 * the shape before CANVAS_READY_UPDATE; clients read both), for comparing both paths in the bench.
 */
const SPLIT = process.env.EASEL_PAINT_SPLIT !== '0';

/** Stands in for a cached text while the rest of an envelope is serialized (NUL + a per-process nonce). */
const NONCE = randomBytes(8).toString('hex');
const STATE_MARKER = `\u0000easel-ready-state-${NONCE}`;
const UPDATE_MARKER = `\u0000easel-ready-update-${NONCE}`;
const STATE_MARKER_JSON = JSON.stringify(STATE_MARKER);
const UPDATE_MARKER_JSON = JSON.stringify(UPDATE_MARKER);

/** A cached text spliced in for its marker; `quoted`: a JSON string (base64), its quotes around it. */
interface Splice {
  readonly markerJson: string;
  readonly text: string;
  readonly bytes: Uint8Array;
  readonly quoted: boolean;
}

/**
 * The SSE frames of one CANVAS_READY (contract §4; WIRE-NOTES), in pieces: the per-stream JSON
 * (event id, timestamp, scope, cursor) as text, and a large snapshot text that the document's
 * per-revision cache holds (`fullSnapshot`'s base64 `update`, `fullState`'s JSON `state`, per set
 * of readable roots: a restricted viewer's redacted ones too) as its cached bytes, so every stream
 * that opens at one revision with one view writes the same buffers instead of copying, scanning
 * and converting a 2 MB string each. The bytes are exactly those of
 * `encodeEventFrame(null, type, envelope(type, payload))`.
 *
 * Paint first: a snapshot with both `state` and `update` (any viewer on a `?paint=state` stream;
 * a restricted viewer's `state` holds only its readable roots, its `update` is redacted) is sent
 * as two frames, back to back: CANVAS_READY with `state`, `tokens` and `update_follows: true`,
 * then `CANVAS_READY_UPDATE {canvas_id, revision, update}`; neither has an `id:` line. Any other
 * payload is one CANVAS_READY frame, as it always was.
 */
export function canvasReadyFrames(payload: CanvasReadyPayload, envelope: EnvelopeJson): FramePart[] {
  const snapshot = payload.snapshot;
  if (!SPLIT || snapshot?.state === undefined || snapshot.update === undefined) {
    return frameParts('CANVAS_READY', payload, envelope);
  }
  const { update, ...rest } = snapshot;
  return [
    ...frameParts('CANVAS_READY', { ...payload, snapshot: { ...rest, update_follows: true } }, envelope),
    ...frameParts(
      'CANVAS_READY_UPDATE',
      { canvas_id: payload.canvas_id, revision: payload.revision, update },
      envelope,
    ),
  ];
}

/** One frame: `event: <type>\ndata: <envelope JSON>\n\n`, cached snapshot texts as their bytes. */
function frameParts(type: string, value: object, envelope: EnvelopeJson): FramePart[] {
  const payload = value as { snapshot?: { state?: unknown; update?: unknown }; update?: unknown };
  const splices: Splice[] = [];
  let marked: object = payload;
  const snapshot = payload.snapshot;
  if (snapshot !== undefined) {
    let replaced: Record<string, unknown> | null = null;
    const stateBytes = cachedJsonBytes(snapshot.state);
    if (stateBytes !== undefined) {
      replaced = { ...snapshot, state: STATE_MARKER };
      const text = cachedJsonText(snapshot.state) as string;
      splices.push({ markerJson: STATE_MARKER_JSON, text, bytes: stateBytes, quoted: false });
    }
    const update = snapshot.update;
    const updateBytes = typeof update === 'string' ? cachedSnapshotBytes(update) : undefined;
    if (updateBytes !== undefined) {
      replaced = { ...(replaced ?? snapshot), update: UPDATE_MARKER };
      splices.push({ markerJson: UPDATE_MARKER_JSON, text: update as string, bytes: updateBytes, quoted: true });
    }
    if (replaced !== null) marked = { ...payload, snapshot: replaced };
  } else if (typeof payload.update === 'string') {
    const bytes = cachedSnapshotBytes(payload.update);
    if (bytes !== undefined) {
      marked = { ...payload, update: UPDATE_MARKER };
      splices.push({ markerJson: UPDATE_MARKER_JSON, text: payload.update, bytes, quoted: true });
    }
  }
  const whole = () => [encodeEventFrame(null, type, envelope(type, payload))];
  if (splices.length === 0) return whole();
  const json = envelope(type, marked);
  // JSON.stringify never writes a raw line break; anything else takes the general path.
  if (hasLineBreak(json) || hasLineBreak(type)) return whole();
  const found = splices.map((s) => ({ s, at: json.indexOf(s.markerJson) })).sort((a, b) => a.at - b.at);
  if (found.some((f) => f.at < 0)) return whole();
  const parts: FramePart[] = [];
  let text = `event: ${type}\ndata: `;
  let from = 0;
  for (const { s, at } of found) {
    text += json.slice(from, at);
    if (s.quoted) text += '"';
    parts.push(text, { text: s.text, bytes: s.bytes });
    text = s.quoted ? '"' : '';
    from = at + s.markerJson.length;
  }
  parts.push(`${text}${json.slice(from)}\n\n`);
  return parts;
}

/** The frame as text (what a sink without `writeBytes` writes; tests compare it). */
export function framePartsText(parts: readonly FramePart[]): string {
  let text = '';
  for (const part of parts) text += typeof part === 'string' ? part : part.text;
  return text;
}
