import { z } from 'zod';
import { jsonValueSchema } from '../lib/jsonValueSchema.ts';
import { tokenTypeSchema } from './tokenTypeSchema.ts';
import { validateTokenValue } from './validateTokenValue.ts';

/** The fields of a token declaration (shared by the strict and the view schema). */
const tokenDeclarationFields = {
  type: tokenTypeSchema,
  /** Allowed values of an `enum` token. */
  values: z.array(z.string().min(1).max(256)).min(1, { error: 'must list at least one value' }).max(256).optional(),
  /** Bounds of a `number` token (inclusive). */
  min: z.number().optional(),
  max: z.number().optional(),
  /** Longest `string` value in characters. Default 10 000. */
  max_length: z.int().min(1).max(1_000_000).optional(),
  /** Value before any `token.set`, and after `token.delete`. */
  default: jsonValueSchema.optional(),
  description: z.string().max(500).optional(),
};

/**
 * One token of a canvas type's catalog (contract §5):
 * `{type, values?, min?, max?, max_length?, default?, description?}`.
 * `enum` needs non-empty `values`; `default` must satisfy the declaration itself.
 */
export const tokenDeclarationSchema = z.strictObject(tokenDeclarationFields).superRefine(checkDeclarationRules);

/** A declaration's cross-field rules: enum values, bounds, a default that satisfies the declaration. */
function checkDeclarationRules(decl: z.output<z.ZodObject<typeof tokenDeclarationFields>>, ctx: z.RefinementCtx): void {
  // An empty list is refused by `values`' own minimum ("must list at least one value").
  const noValues = decl.type === 'enum' && (decl.values === undefined || decl.values.length === 0);
  if (decl.type === 'enum' && decl.values === undefined) {
    ctx.addIssue({ code: 'custom', path: ['values'], message: 'an enum token must list at least one value' });
  }
  if (decl.values !== undefined && new Set(decl.values).size !== decl.values.length) {
    ctx.addIssue({ code: 'custom', path: ['values'], message: 'values must be unique' });
  }
  if (decl.min !== undefined && decl.max !== undefined && decl.min > decl.max) {
    ctx.addIssue({ code: 'custom', path: ['max'], message: `max (${decl.max}) is below min (${decl.min})` });
  }
  // Without values, no default can satisfy the enum: the values issue alone says what to fix.
  if (decl.default !== undefined && !noValues) {
    const checked = validateTokenValue(decl, decl.default);
    if (!checked.ok) {
      ctx.addIssue({
        code: 'custom',
        path: ['default'],
        message: `does not satisfy the declaration: ${checked.message}`,
      });
    }
  }
}

export type TokenDeclaration = z.infer<typeof tokenDeclarationSchema>;

/**
 * A declaration as the gateway sends it (in a manifest of `CANVAS_READY` or `GET …/canvas-types`):
 * the same fields, but a field this client does not know is dropped, not refused, so a newer
 * gateway can add one without breaking older clients. The cross-field rules are checked too.
 */
export const tokenDeclarationViewSchema = z.object(tokenDeclarationFields).superRefine(checkDeclarationRules);
