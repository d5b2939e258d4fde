import { z } from 'zod';
import { rootNameSchema } from '../canvas/rootNameSchema.ts';
import { jsonValueSchema } from '../lib/jsonValueSchema.ts';

/**
 * A map key or path segment. Not `__proto__`: a plain-object copy of the state (Yjs `toJSON`, the
 * materialized state, a client's merge) turns that key into the object's prototype, so the entry
 * would vanish from every read.
 */
const keySchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^(?!__proto__$)/, { error: '"__proto__" is not allowed as a key; rename it' });
const indexSchema = z.int().min(0).max(1_000_000);

function oneAddress(
  op: { key?: string | undefined; index?: number | undefined },
  ctx: z.RefinementCtx,
  required: boolean,
) {
  if (op.key !== undefined && op.index !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['index'],
      message: 'give key (map root) or index (array/text root), not both',
    });
  } else if (required && op.key === undefined && op.index === undefined) {
    ctx.addIssue({ code: 'custom', path: ['key'], message: 'required: key (map root) or index (array/text root)' });
  }
}

/** Insert: map root → `key` (must not exist); array root → `index` (default: append); text root → `index` + string. */
export const stateInsertOpSchema = z
  .strictObject({
    op: z.literal('insert'),
    root: rootNameSchema,
    key: keySchema.optional(),
    index: indexSchema.optional(),
    value: jsonValueSchema,
  })
  .superRefine((op, ctx) => oneAddress(op, ctx, false));

/** Update: set a field (`path`) inside an existing block, or replace it. */
export const stateUpdateOpSchema = z
  .strictObject({
    op: z.literal('update'),
    root: rootNameSchema,
    key: keySchema.optional(),
    index: indexSchema.optional(),
    path: z.array(keySchema).min(1).max(32).optional(),
    value: jsonValueSchema,
  })
  .superRefine((op, ctx) => oneAddress(op, ctx, true));

/** Delete: map `key`, array `index`, or text `index` + `length`. */
export const stateDeleteOpSchema = z
  .strictObject({
    op: z.literal('delete'),
    root: rootNameSchema,
    key: keySchema.optional(),
    index: indexSchema.optional(),
    length: z.int().min(1).max(1_000_000).optional(),
  })
  .superRefine((op, ctx) => {
    oneAddress(op, ctx, true);
    if (op.length !== undefined && op.index === undefined) {
      ctx.addIssue({ code: 'custom', path: ['length'], message: 'length needs index' });
    }
  });

/** Move: array root, element at `from` goes to `to`. */
export const stateMoveOpSchema = z.strictObject({
  op: z.literal('move'),
  root: rootNameSchema,
  from: indexSchema,
  to: indexSchema,
});

/** One typed block op of `state.ops` (WIRE-NOTES). Objects become Y.Map, arrays Y.Array, recursively. */
export const stateOpSchema = z.discriminatedUnion(
  'op',
  [stateInsertOpSchema, stateUpdateOpSchema, stateDeleteOpSchema, stateMoveOpSchema],
  { error: (iss) => (iss.code === 'invalid_union' ? 'must be one of insert, update, delete, move' : undefined) },
);

export type StateOp = z.infer<typeof stateOpSchema>;
