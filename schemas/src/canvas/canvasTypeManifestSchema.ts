import { z } from 'zod';
import { SEMVER_PATTERN, SEMVER_RE } from '../lib/patterns.ts';
import { slugSchema } from '../scope/slugSchema.ts';
import { canvasToolSchema, canvasToolViewSchema } from './canvasToolSchema.ts';
import { rootKindSchema } from './rootKindSchema.ts';
import { rootNameSchema } from './rootNameSchema.ts';
import { textFieldsSchema } from './textFieldsSchema.ts';
import { tokenDeclarationSchema, tokenDeclarationViewSchema } from './tokenDeclarationSchema.ts';
import { tokenIdSchema } from './tokenIdSchema.ts';

export const MAX_ROOTS = 32;
export const MAX_TOKENS = 256;
export const MAX_TOOLS = 64;

/** The fields of a manifest (shared by the strict and the view schema). */
const manifestFields = {
  type: slugSchema,
  version: z.string().regex(SEMVER_RE, { error: `must be a version like 1.0.0 (${SEMVER_PATTERN})` }),
  title: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  roots: z.record(rootNameSchema, rootKindSchema),
  tokens: z.record(tokenIdSchema, tokenDeclarationSchema).default({}),
  tools: z.array(canvasToolSchema).max(MAX_TOOLS).default([]),
  text_fields: textFieldsSchema.optional(),
};

/** The cross-field rules of a manifest (root and token counts, unique tool ids, text fields of declared roots). */
function checkManifestRules(m: z.output<z.ZodObject<typeof manifestFields>>, ctx: z.RefinementCtx): void {
  const roots = Object.keys(m.roots).length;
  if (roots < 1 || roots > MAX_ROOTS) {
    ctx.addIssue({ code: 'custom', path: ['roots'], message: `must declare 1 to ${MAX_ROOTS} roots (got ${roots})` });
  }
  const tokens = Object.keys(m.tokens).length;
  if (tokens > MAX_TOKENS) {
    ctx.addIssue({
      code: 'custom',
      path: ['tokens'],
      message: `must declare at most ${MAX_TOKENS} tokens (got ${tokens})`,
    });
  }
  const seen = new Set<string>();
  m.tools.forEach((tool, i) => {
    if (seen.has(tool.id))
      ctx.addIssue({ code: 'custom', path: ['tools', i, 'id'], message: `duplicate tool id "${tool.id}"` });
    seen.add(tool.id);
  });
  for (const [root, keys] of Object.entries(m.text_fields ?? {})) {
    const kind = m.roots[root];
    if (kind === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['text_fields', root],
        message: `root "${root}" is not declared in roots; declare it (map or array) or remove it here`,
      });
    } else if (kind !== 'map' && kind !== 'array') {
      ctx.addIssue({
        code: 'custom',
        path: ['text_fields', root],
        message: `root "${root}" is a ${kind} root; text fields are keys of objects inside a map or array root`,
      });
    }
    const keySeen = new Set<string>();
    keys.forEach((key, i) => {
      if (keySeen.has(key))
        ctx.addIssue({ code: 'custom', path: ['text_fields', root, i], message: `duplicate key "${key}"` });
      keySeen.add(key);
    });
  }
}

/**
 * A canvas type (cartridge) manifest (contract §5):
 * `{type, version, title, roots: {<name>: kind}, tokens: {<id>: declaration}, tools: [{id, label, command}]}`,
 * plus the optional extension `text_fields: {<root>: [key, ...]}` (WIRE-NOTES "state.ops"): object keys
 * inside a map or array root whose strings `state.ops` stores as Y.Text.
 */
export const canvasTypeManifestSchema = z.strictObject(manifestFields).superRefine(checkManifestRules);

export type CanvasTypeManifest = z.infer<typeof canvasTypeManifestSchema>;

/**
 * A manifest as the gateway sends it (`CANVAS_READY`, `GET /v1/projects/{project_id}/canvas-types`):
 * the same fields, but at every level a field this client does not know is dropped, not refused,
 * so a newer gateway can extend manifests (as `text_fields` did) without breaking older clients.
 * Registration (`PUT`) keeps {@link canvasTypeManifestSchema}, which refuses unknown fields (a typo
 * must not be dropped silently). Both check the cross-field rules (zod only: `validate: 'full'`).
 */
export const canvasTypeManifestViewSchema = z
  .object({
    ...manifestFields,
    tokens: z.record(tokenIdSchema, tokenDeclarationViewSchema).default({}),
    tools: z.array(canvasToolViewSchema).max(MAX_TOOLS).default([]),
  })
  .superRefine(checkManifestRules);
