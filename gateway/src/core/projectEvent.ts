import type { BusEvent } from './bus/EventBus.ts';
import { type RootRanges, redactUpdate } from './canvas/redactUpdate.ts';
import { DERIVED_FROM, mayReadSources, parseDerivedSources } from './DerivedSources.ts';
import type { LensView } from './lens/LensView.ts';
import { DERIVED_EVENT_TYPES, HIDDEN_TEXT, projectDerivedPayload } from './redactDerived.ts';

interface ParsedEnvelope {
  payload?: Record<string, unknown>;
  [key: string]: unknown;
}

function parse(envelope: string): ParsedEnvelope | null {
  try {
    const value = JSON.parse(envelope) as unknown;
    return value !== null && typeof value === 'object' ? (value as ParsedEnvelope) : null;
  } catch {
    return null;
  }
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * The envelope JSON a viewer may see of an event, or null when it is hidden (contract §6):
 * - `token_patch` of a token it cannot read: hidden;
 * - `state_patch`: as stored when it reads every touched root; otherwise its `update` is
 *   redacted (items of unreadable roots become GC placeholders, so the viewer's Y.Doc keeps
 *   contiguous clocks), `roots` lists only readable roots, and `redacted: true` is set. It is
 *   sent even when nothing in it is readable, for the same reason;
 * - `snapshot_created`: hidden unless `sidecars.see`; one the gateway computed (a job's image,
 *   stamped with `derived_from`) also hidden unless the viewer reads every source;
 * - `turn_final`: `proposed_ops` on roots it cannot read are removed (and `redacted: true` set);
 *   when it carries a `derived_from` stamp (the canvas content the turn's model was given) that
 *   the viewer cannot read all of, its `text` becomes {@link HIDDEN_TEXT} (also `redacted: true`).
 *   The turn's `chat_token`s carry the same stamp and are then hidden (the derived rule below);
 * - derived events (job telemetry and outcomes, `run_event`), whose data a plugin or model
 *   computed from canvas content: whole when the viewer reads every source the gateway stamped
 *   on them (`derived_from`: roots, tokens, media; see `DerivedSources`), else only their
 *   structural fields with `redacted: true` (`redactDerivedPayload`; model text is hidden). A
 *   derived event without a stamp counts as derived from everything. Any other event carrying
 *   a stamp follows the same rule (hidden when its sources are unreadable);
 * - everything else passes. Internal fields (`root_ranges`, `derived_from`) never leave the gateway.
 * Pure: depends only on the view's permissions and the event. Never throws.
 */
export function projectEvent(view: LensView, event: BusEvent): string | null {
  switch (event.type) {
    case 'token_patch': {
      // A view that reads every token sees every token_patch: no parse (once per event per view).
      if (view.readsAllTokens === true) return event.envelope;
      const env = parse(event.envelope);
      const tokenId = env?.payload?.token_id;
      return typeof tokenId === 'string' && view.canReadToken(tokenId) ? event.envelope : null;
    }
    case 'snapshot_created':
      if (!view.sidecars.see) return null;
      return event.envelope.includes(STAMP_KEY) ? projectStampedSidecar(view, event.envelope) : event.envelope;
    case 'state_patch':
      return projectStatePatch(view, event.envelope);
    case 'turn_final':
      return projectTurnFinal(view, event.envelope);
    default:
      return DERIVED_EVENT_TYPES.has(event.type) || event.envelope.includes(STAMP_KEY)
        ? projectDerived(view, event)
        : event.envelope;
  }
}

const STAMP_KEY = `"${DERIVED_FROM}"`;

function projectDerived(view: LensView, event: BusEvent): string | null {
  const env = parse(event.envelope);
  const payload = env?.payload;
  if (!env || payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    // Not an envelope we can read: a derived one is hidden, anything else passes as before.
    return DERIVED_EVENT_TYPES.has(event.type) ? null : event.envelope;
  }
  const stamped = Object.hasOwn(payload, DERIVED_FROM);
  if (!stamped && !DERIVED_EVENT_TYPES.has(event.type)) return event.envelope;
  const shown = projectDerivedPayload(view, event.type, payload);
  if (shown === null) return null;
  if (!stamped && shown.redacted !== true) return event.envelope;
  return JSON.stringify({ ...env, payload: shown });
}

/** A `snapshot_created` stamped with its sources: hidden unless they are all readable; stamp stripped. */
function projectStampedSidecar(view: LensView, envelope: string): string | null {
  const env = parse(envelope);
  const payload = env?.payload;
  if (!env || payload === null || typeof payload !== 'object' || Array.isArray(payload)) return null;
  if (!Object.hasOwn(payload, DERIVED_FROM)) return envelope;
  const { [DERIVED_FROM]: stamp, ...rest } = payload;
  if (!mayReadSources(view, parseDerivedSources(stamp))) return null;
  return JSON.stringify({ ...env, payload: rest });
}

function projectStatePatch(view: LensView, envelope: string): string | null {
  const env = parse(envelope);
  const payload = env?.payload;
  if (!env || !payload) return null;
  const roots = stringList(payload.roots);
  const ranges = payload.root_ranges as RootRanges | undefined;
  const readable = roots.filter((r) => view.canReadRoot(r));
  if (readable.length === roots.length) {
    if (ranges === undefined) return envelope;
    const { root_ranges: _internal, ...rest } = payload;
    return JSON.stringify({ ...env, payload: rest });
  }
  const { root_ranges: _internal, update, state: _state, ...rest } = payload;
  const out: Record<string, unknown> = { ...rest, roots: readable, redacted: true };
  if (typeof update === 'string') {
    try {
      const bytes = new Uint8Array(Buffer.from(update, 'base64'));
      out.update = Buffer.from(redactUpdate(bytes, roots, ranges, (r) => view.canReadRoot(r))).toString('base64');
    } catch {
      return null; // unreadable stored update: never leak it
    }
  }
  return JSON.stringify({ ...env, payload: out });
}

function projectTurnFinal(view: LensView, envelope: string): string | null {
  const env = parse(envelope);
  const payload = env?.payload;
  if (!env || payload === null || typeof payload !== 'object' || Array.isArray(payload)) return envelope;
  const stamped = Object.hasOwn(payload, DERIVED_FROM);
  const { [DERIVED_FROM]: stamp, ...rest } = payload;
  const out: Record<string, unknown> = rest;
  let changed = stamped;
  if (stamped && !mayReadSources(view, parseDerivedSources(stamp))) {
    if (typeof out.text === 'string') out.text = HIDDEN_TEXT;
    out.redacted = true;
  }
  const ops = out.proposed_ops;
  if (Array.isArray(ops)) {
    const readable = ops.filter(
      (op) => op !== null && typeof op === 'object' && typeof op.root === 'string' && view.canReadRoot(op.root),
    );
    if (readable.length !== ops.length) {
      out.proposed_ops = readable;
      out.redacted = true;
      changed = true;
    }
  }
  return changed ? JSON.stringify({ ...env, payload: out }) : envelope;
}
