import { type CommandOf, type JsonValue, tokenDefault, validateTokenValue } from '@easel/schemas';
import type * as Y from 'yjs';
import { authorizeUpdate } from '../canvas/authorizeUpdate.ts';
import type { CanvasDoc } from '../canvas/CanvasDoc.ts';
import { applyStateOps } from '../canvas/applyStateOps.ts';
import { deletesInOrder } from '../canvas/deepContent.ts';
import { type OverDeepValue, planRevert } from '../canvas/planRevert.ts';
import { attributeUpdate } from '../canvas/redactUpdate.ts';
import { MAX_READ_DEPTH } from '../canvas/yJson.ts';
import { fail, type GatewayError } from '../errors/GatewayError.ts';
import type { LensView } from '../lens/LensView.ts';

/** An event a command will append. */
export interface PlannedEvent {
  readonly type: string;
  readonly payload: Record<string, unknown>;
}

/** What a command does to its canvas. */
export interface Effects {
  readonly events: readonly PlannedEvent[];
  /** The canvas revision after the command. */
  readonly revision: number;
  /** Changes that are applied only once the events were appended (`lastSeq`: the last one's seq). */
  readonly finish: (lastSeq: number) => void;
  /** True when the Y.Doc was already changed (a later refusal must discard the canvas). */
  readonly docChanged: boolean;
  /** Envelope fields of the events beyond the command's (turn commands). */
  readonly envelope?: { readonly turnId?: string; readonly sessionId?: string };
  /** Runs right before the append, after every check passed (same synchronous section). */
  readonly beforeAppend?: () => void;
  /** Runs once the events are durable and published (before the outcome resolves). */
  readonly published?: () => void;
}

export type EffectsResult = { ok: true; value: Effects } | { ok: false; error: GatewayError; discard?: boolean };

const nothing = () => {};

/** The `finish` of a state change: the new revision (see {@link setTokenOnFinish} for why a factory). */
function setRevisionOnFinish(canvas: CanvasDoc, revision: number) {
  return () => {
    canvas.revision = revision;
  };
}

/**
 * The `finish` of a token change: sets the token once the event is appended. A factory, not an
 * arrow in the object literal: the gateway runs under tsx (esbuild `keepNames`), where every
 * closure created under a property or variable name costs an `Object.defineProperty` call, once
 * per command on this path.
 */
function setTokenOnFinish(canvas: CanvasDoc, tokenId: string, value: JsonValue | undefined, revision: number) {
  return () => canvas.setToken(tokenId, value, revision);
}

/** `state_patch` payload of an effective update. */
export function statePatch(
  canvas: CanvasDoc,
  update: Uint8Array,
  roots: readonly string[],
  revision: number,
): PlannedEvent {
  const payload: Record<string, unknown> = { roots, revision, update: Buffer.from(update).toString('base64') };
  // With several roots, record which item is in which root so projecting it stays pure.
  if (roots.length > 1) payload.root_ranges = attributeUpdate(canvas.doc, update);
  return { type: 'state_patch', payload };
}

function tokenDeclaration(canvas: CanvasDoc, tokenId: string) {
  return Object.hasOwn(canvas.manifest.tokens, tokenId) ? canvas.manifest.tokens[tokenId] : undefined;
}

function undeclaredToken(canvas: CanvasDoc, tokenId: string): { ok: false; error: GatewayError } {
  return fail(
    'validation_failed',
    `payload.token_id: token '${tokenId}' is not declared by canvas type '${canvas.canvasType}'`,
    {
      token_id: tokenId,
    },
  );
}

/** `token.set`: validated against the token's declaration (contract §5). */
export function tokenSetEffects(canvas: CanvasDoc, cmd: CommandOf<'token.set'>, view: LensView): EffectsResult {
  const { token_id: tokenId, value } = cmd.payload;
  const decl = tokenDeclaration(canvas, tokenId);
  if (!decl) return undeclaredToken(canvas, tokenId);
  if (!view.canWriteToken(tokenId))
    return fail('forbidden', `your roles may not write token '${tokenId}'`, { token_id: tokenId });
  const checked = validateTokenValue(decl, value);
  if (!checked.ok) {
    return fail('validation_failed', `payload.value: token '${tokenId}' (${decl.type}) ${checked.message}`, {
      token_id: tokenId,
    });
  }
  const revision = canvas.revision + 1;
  return {
    ok: true,
    value: {
      events: [{ type: 'token_patch', payload: { token_id: tokenId, op: 'set', value: checked.value, revision } }],
      revision,
      finish: setTokenOnFinish(canvas, tokenId, checked.value, revision),
      docChanged: false,
    },
  };
}

/** `token.delete`: back to the declared default. */
export function tokenDeleteEffects(canvas: CanvasDoc, cmd: CommandOf<'token.delete'>, view: LensView): EffectsResult {
  const tokenId = cmd.payload.token_id;
  const decl = tokenDeclaration(canvas, tokenId);
  if (!decl) return undeclaredToken(canvas, tokenId);
  if (!view.canWriteToken(tokenId))
    return fail('forbidden', `your roles may not write token '${tokenId}'`, { token_id: tokenId });
  const revision = canvas.revision + 1;
  return {
    ok: true,
    value: {
      events: [
        { type: 'token_patch', payload: { token_id: tokenId, op: 'delete', value: tokenDefault(decl), revision } },
      ],
      revision,
      finish: setTokenOnFinish(canvas, tokenId, undefined, revision),
      docChanged: false,
    },
  };
}

/** `state.update`: authorized root by root before anything is applied. */
export function stateUpdateEffects(canvas: CanvasDoc, cmd: CommandOf<'state.update'>, view: LensView): EffectsResult {
  const bytes = new Uint8Array(Buffer.from(cmd.payload.update, 'base64'));
  const authorized = authorizeUpdate(
    { doc: canvas.doc, roots: canvas.manifest.roots, canvasType: canvas.canvasType, textFields: canvas.textFields },
    (root) => view.canWriteRoot(root),
    bytes,
  );
  if (!authorized.ok) return authorized;
  const update = canvas.applyUpdate(bytes);
  if (update === null) {
    // Yjs threw or left structs pending: a dependency the check missed. Fail safe.
    return {
      ...fail('validation_failed', 'the update depends on items this canvas does not have; resync'),
      discard: true,
    };
  }
  const revision = canvas.revision + 1;
  return {
    ok: true,
    value: {
      events: [statePatch(canvas, update, authorized.value.roots, revision)],
      revision,
      finish: setRevisionOnFinish(canvas, revision),
      docChanged: true,
    },
  };
}

/** `state.ops`: one transaction, validated whole first. */
export function stateOpsEffects(canvas: CanvasDoc, cmd: CommandOf<'state.ops'>, view: LensView): EffectsResult {
  const applied = applyStateOps(canvas, (root) => view.canWriteRoot(root), cmd.payload.ops);
  if (!applied.ok) return applied;
  const revision = canvas.revision + 1;
  return {
    ok: true,
    value: {
      events: [statePatch(canvas, applied.value.update, applied.value.roots, revision)],
      revision,
      finish: setRevisionOnFinish(canvas, revision),
      docChanged: true,
    },
  };
}

/** `canvas.commit`: labels the current revision (the state snapshot was saved beforehand). */
export function commitEffects(canvas: CanvasDoc, cmd: CommandOf<'canvas.commit'>, commitId: string): EffectsResult {
  return {
    ok: true,
    value: {
      events: [
        {
          type: 'canvas_commit',
          payload: { revision: canvas.revision, commit_id: commitId, message: cmd.payload.message, kind: 'commit' },
        },
      ],
      revision: canvas.revision,
      finish: nothing,
      docChanged: false,
    },
  };
}

/**
 * A revert whose target holds content nested deeper than the cap where it differs from now
 * (WIRE-NOTES "Reads of over-deep content"): 400, nothing applied.
 */
function overDeepRevertRefusal(target: number, at: OverDeepValue): { ok: false; error: GatewayError } {
  const where = at.key !== undefined ? `${at.root}[${JSON.stringify(at.key)}]` : `${at.root}[${at.index}]`;
  return fail(
    'validation_failed',
    `canvas.revert: revision ${target} cannot be restored: it holds ${where} (root '${at.root}') nested deeper than ${MAX_READ_DEPTH} levels, which can no longer be written; revert to a revision without it`,
    { revision: target, ...at, max_depth: MAX_READ_DEPTH },
  );
}

/** `canvas.revert`: rewrites state and tokens into those of the target revision. */
export function revertEffects(
  canvas: CanvasDoc,
  cmd: CommandOf<'canvas.revert'>,
  view: LensView,
  source: { state: Uint8Array | null; tokens: Readonly<Record<string, JsonValue>> },
  commitId: string,
): EffectsResult {
  const target = cmd.payload.revision ?? 0;
  const plan = planRevert(canvas, source.state, source.tokens);
  for (const root of plan.roots) {
    if (!view.canWriteRoot(root))
      return fail('forbidden', `reverting changes root '${root}', which your roles may not write`, { root });
  }
  for (const { tokenId } of plan.tokens) {
    if (!view.canWriteToken(tokenId)) {
      return fail('forbidden', `reverting changes token '${tokenId}', which your roles may not write`, {
        token_id: tokenId,
      });
    }
  }
  if (plan.overDeep !== null) return overDeepRevertRefusal(target, plan.overDeep);
  const revision = canvas.revision + 1;
  const events: PlannedEvent[] = [];
  let docChanged = false;
  if (plan.roots.length > 0) {
    let deep: Y.Item[] = [];
    const captured = canvas.transactCapturing(() => {
      deep = plan.apply();
    });
    docChanged = true;
    if (captured === null) return { ...fail('unavailable', 'the revert could not be applied; retry'), discard: true };
    // Over-deep live content it removed: its deletes listed children first, so replays do not recurse.
    const update = deep.length > 0 ? deletesInOrder(captured, deep) : captured;
    events.push(statePatch(canvas, update, plan.roots, revision));
  }
  for (const { tokenId, value } of plan.tokens) {
    const decl = tokenDeclaration(canvas, tokenId)!;
    events.push({
      type: 'token_patch',
      payload:
        value === undefined
          ? { token_id: tokenId, op: 'delete', value: tokenDefault(decl), revision }
          : { token_id: tokenId, op: 'set', value, revision },
    });
  }
  events.push({
    type: 'canvas_commit',
    payload: {
      revision,
      commit_id: commitId,
      message: `revert to revision ${target}`,
      kind: 'revert',
      reverted_to: target,
    },
  });
  return {
    ok: true,
    value: {
      events,
      revision,
      finish: () => {
        for (const { tokenId, value } of plan.tokens) canvas.setToken(tokenId, value, revision);
        canvas.revision = revision;
      },
      docChanged,
    },
  };
}
