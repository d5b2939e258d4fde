import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { PluginManifest } from '@easel/schemas';

/** The compiled input and output validators of one tool. */
export interface ToolValidators {
  readonly input: ValidateFunction;
  readonly output: ValidateFunction;
}

/**
 * Compiles every tool's `input` and `output` JSON Schema (draft 2020-12 unless `$schema` names
 * draft-07; formats are not checked). A schema that does not compile is an error naming the field.
 * One Ajv instance per plugin, so `$id`s of different plugins never collide.
 */
export function compileToolValidators(
  manifest: PluginManifest,
): { ok: true; value: Map<string, ToolValidators> } | { ok: false; error: string } {
  const options = { strict: false, allErrors: false, validateFormats: false, allowUnionTypes: true } as const;
  let modern: Ajv2020 | undefined;
  let draft7: Ajv | undefined;
  const compile = (schema: unknown): ValidateFunction => {
    const wantsDraft7 =
      typeof schema === 'object' &&
      schema !== null &&
      String((schema as { $schema?: unknown }).$schema ?? '').includes('draft-07');
    if (wantsDraft7) {
      draft7 ??= new Ajv(options);
      return draft7.compile(schema as object);
    }
    modern ??= new Ajv2020(options);
    return modern.compile(schema as object | boolean);
  };
  const out = new Map<string, ToolValidators>();
  for (const [name, tool] of Object.entries(manifest.tools)) {
    let field = 'input';
    try {
      const input = compile(tool.input);
      field = 'output';
      const output = compile(tool.output);
      out.set(name, { input, output });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return { ok: false, error: `plugin.json: tools.${name}.${field}: not a valid JSON Schema (${message})` };
    }
  }
  return { ok: true, value: out };
}

/** `input.frames.0.width: must be >= 1` — the first error, naming the path under `root`. */
export function describeSchemaErrors(root: string, errors: readonly ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (!first) return `${root}: does not match the schema`;
  const path = root + first.instancePath.replaceAll('/', '.');
  const extra =
    first.keyword === 'additionalProperties' && typeof first.params.additionalProperty === 'string'
      ? ` ('${first.params.additionalProperty}')`
      : first.keyword === 'enum' && Array.isArray(first.params.allowedValues)
        ? ` (${first.params.allowedValues.map((v: unknown) => JSON.stringify(v)).join(', ')})`
        : '';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
  return `${path}: ${first.message ?? 'is invalid'}${extra}${more}`;
}
