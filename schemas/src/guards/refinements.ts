/**
 * The guard counterparts of the schemas' `.refine` / `.superRefine` checks (zod cannot export a
 * closure's logic). `schemas:gen` refuses a schema with a refinement that has no entry in
 * `gen/guardSpec.ts`, and `guards.test.ts` checks each one against zod on random values.
 * Bounds come in as arguments, filled in by the generator from the schemas' own constants.
 */
import { validateTokenValue } from '../canvas/validateTokenValue.ts';
import type { Refinement } from './runtime.ts';

/** `frameRangeSchema`: `start <= end`. */
export const frameRangeOrder: Refinement = (r: { start: number; end: number }) =>
  r.start <= r.end ? undefined : 'start must not exceed end';

/** `canvasTypeManifestSchema`: 1..maxRoots roots, at most maxTokens tokens, unique tool ids. */
export function manifestLimits(maxRoots: number, maxTokens: number): Refinement {
  return (m: { roots: object; tokens: object; tools: Array<{ id: string }> }) => {
    const roots = Object.keys(m.roots).length;
    if (roots < 1 || roots > maxRoots) return `must declare 1 to ${maxRoots} roots`;
    if (Object.keys(m.tokens).length > maxTokens) return `must declare at most ${maxTokens} tokens`;
    const ids = m.tools.map((t) => t.id);
    return new Set(ids).size === ids.length ? undefined : 'duplicate tool id';
  };
}

/** `tokenDeclarationSchema`: enum values, unique values, min ≤ max, a default that fits. */
export const tokenDeclarationRules: Refinement = (d: Parameters<typeof validateTokenValue>[0]) => {
  if (d.type === 'enum' && (d.values === undefined || d.values.length === 0)) return 'an enum token needs values';
  if (d.values !== undefined && new Set(d.values).size !== d.values.length) return 'values must be unique';
  if (d.min !== undefined && d.max !== undefined && d.min > d.max) return 'max is below min';
  if (d.default !== undefined) {
    const checked = validateTokenValue(d, d.default);
    if (!checked.ok) return `default: ${checked.message}`;
  }
  return undefined;
};

/** State ops: `key` or `index`, not both (`required`: one of them). */
export function oneAddress(required: boolean): Refinement {
  return (op: { key?: string; index?: number }) => {
    if (op.key !== undefined && op.index !== undefined) return 'give key or index, not both';
    if (required && op.key === undefined && op.index === undefined) return 'required: key or index';
    return undefined;
  };
}

/** `stateDeleteOpSchema`: `length` needs `index`. */
export const lengthNeedsIndex: Refinement = (op: { index?: number; length?: number }) =>
  op.length !== undefined && op.index === undefined ? 'length needs index' : undefined;
