import { randomBytes } from 'node:crypto';
import type { CanvasReadyPayload } from '@easel/schemas';
import { cachedSnapshotBytes } from '../canvas/fullSnapshot.ts';
import { cachedJsonBytes, cachedJsonText } from '../canvas/fullState.ts';
import { encodeEventFrame, type FramePart, hasLineBreak } from './sseFrames.ts';

/** The envelope JSON of a per-connection event of `type` (`gatewayEnvelopeJson` bound to a stream). */
export type EnvelopeJson = (type: string, payload: object) => string;

/** Stands in for a cached text while the rest of an envelope is serialized (NUL + a per-process nonce). */
const MARKER = `\u0000easel-ready-${randomBytes(8).toString('hex')}`;
const MARKER_JSON = JSON.stringify(MARKER);

/** A payload with its cached snapshot text replaced by `MARKER`; `quoted`: a JSON string (base64), its quotes around it. */
interface Marked {
  readonly marked: object;
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
  if (snapshot?.state === undefined || snapshot.update === undefined) {
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

/**
 * The frame's one cached snapshot text, marked: a paint-first CANVAS_READY's JSON `state`, else a
 * base64 `update` (the snapshot's without paint, or CANVAS_READY_UPDATE's). Null: none is cached.
 */
function markCached(value: object): Marked | null {
  const payload = value as { snapshot?: { state?: unknown; update?: unknown }; update?: unknown };
  const snapshot = payload.snapshot;
  if (snapshot !== undefined) {
    const bytes = cachedJsonBytes(snapshot.state);
    if (bytes !== undefined) {
      const text = cachedJsonText(snapshot.state) as string;
      return { marked: { ...payload, snapshot: { ...snapshot, state: MARKER } }, text, bytes, quoted: false };
    }
  }
  const update = snapshot === undefined ? payload.update : snapshot.update;
  const bytes = typeof update === 'string' ? cachedSnapshotBytes(update) : undefined;
  if (bytes === undefined) return null;
  const marked =
    snapshot === undefined ? { ...payload, update: MARKER } : { ...payload, snapshot: { ...snapshot, update: MARKER } };
  return { marked, text: update as string, bytes, quoted: true };
}

/** One frame: `event: <type>\ndata: <envelope JSON>\n\n`, its cached snapshot text as its bytes. */
function frameParts(type: string, payload: object, envelope: EnvelopeJson): FramePart[] {
  const whole = () => [encodeEventFrame(null, type, envelope(type, payload))];
  const cached = markCached(payload);
  if (cached === null) return whole();
  const json = envelope(type, cached.marked);
  // JSON.stringify never writes a raw line break; anything else takes the general path.
  if (hasLineBreak(json) || hasLineBreak(type)) return whole();
  const at = json.indexOf(MARKER_JSON);
  if (at < 0) return whole();
  const quote = cached.quoted ? '"' : '';
  return [
    `event: ${type}\ndata: ${json.slice(0, at)}${quote}`,
    { text: cached.text, bytes: cached.bytes },
    `${quote}${json.slice(at + MARKER_JSON.length)}\n\n`,
  ];
}

/** The frame as text (what a sink without `writeBytes` writes; tests compare it). */
export function framePartsText(parts: readonly FramePart[]): string {
  let text = '';
  for (const part of parts) text += typeof part === 'string' ? part : part.text;
  return text;
}
