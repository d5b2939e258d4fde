import type { AnySchema, ErrorObject, ValidateFunction } from 'ajv';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { PluginManifest } from '@easel/schemas';

/**
 * One of a tool's schema checks, callable like an Ajv `ValidateFunction`: compiled on its first
 * call (then cached), so loading a plugin never pays for compiling its schemas.
 */
export interface SchemaCheck {
  (value: unknown): boolean;
  /** The errors of the last call that failed (Ajv's), null after a pass. */
  errors: ErrorObject[] | null | undefined;
}

/** The input and output checks of one tool. */
export interface ToolValidators {
  readonly input: SchemaCheck;
  readonly output: SchemaCheck;
}

const OPTIONS = { strict: false, allErrors: false, validateFormats: false, allowUnionTypes: true } as const;

/** Checks schemas against their meta-schema only (they are never added), shared by every plugin. */
const metaChecker: { modern?: Ajv2020; draft7?: Ajv } = {};

/** The shared meta-schema checker of `schema`'s draft. */
function metaCheckerFor(schema: unknown): Ajv | Ajv2020 {
  if (wantsDraft7(schema)) {
    metaChecker.draft7 ??= new Ajv(OPTIONS);
    return metaChecker.draft7;
  }
  metaChecker.modern ??= new Ajv2020(OPTIONS);
  return metaChecker.modern;
}

function wantsDraft7(schema: unknown): boolean {
  return (
    typeof schema === 'object' &&
    schema !== null &&
    String((schema as { $schema?: unknown }).$schema ?? '').includes('draft-07')
  );
}

/** Why `schema` is not a valid JSON Schema of its draft, or null when it is. */
function metaSchemaProblem(schema: unknown): string | null {
  const ajv = metaCheckerFor(schema);
  try {
    // The `$async` variant (a Promise) never applies: meta-schemas are synchronous.
    if (ajv.validateSchema(schema as AnySchema) === true) return null;
    return `schema is invalid: ${ajv.errorsText(ajv.errors)}`;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * The checks of every tool's `input` and `output` JSON Schema (draft 2020-12 unless `$schema`
 * names draft-07; formats are not checked). Each schema is checked against its meta-schema now
 * (one shared instance per draft: its meta-schema is compiled once per process): a schema that is
 * not valid JSON Schema is an error naming the field. Compiling (several ms a schema) waits for the
 * first call of each check, in an Ajv instance per schema, so `$id`s never collide; a schema that
 * passes the meta-schema but does not compile (an unresolvable `$ref`) fails every call of its
 * check with an error naming the field.
 */
export function toolValidators(
  manifest: PluginManifest,
): { ok: true; value: Map<string, ToolValidators> } | { ok: false; error: string } {
  for (const [name, tool] of Object.entries(manifest.tools)) {
    for (const field of ['input', 'output'] as const) {
      const problem = metaSchemaProblem(tool[field]);
      if (problem !== null) {
        return { ok: false, error: `plugin.json: tools.${name}.${field}: not a valid JSON Schema (${problem})` };
      }
    }
  }
  const out = new Map<string, ToolValidators>();
  for (const [name, tool] of Object.entries(manifest.tools)) {
    out.set(name, {
      input: lazyCheck(tool.input, `tools.${name}.input`),
      output: lazyCheck(tool.output, `tools.${name}.output`),
    });
  }
  return { ok: true, value: out };
}

/** Checked against the meta-schema already: the compiling instances do not check it again. */
const COMPILE_OPTIONS = { ...OPTIONS, validateSchema: false } as const;

/** Compiles `schema` in an Ajv instance of its own: `$id`s of different schemas never collide. */
function compile(schema: unknown): ValidateFunction {
  const ajv = wantsDraft7(schema) ? new Ajv(COMPILE_OPTIONS) : new Ajv2020(COMPILE_OPTIONS);
  return ajv.compile(schema as AnySchema);
}

/** A check that compiles `schema` on its first call; a compile error fails every call. */
function lazyCheck(schema: unknown, field: string): SchemaCheck {
  let validate: ValidateFunction | undefined;
  let broken: ErrorObject[] | undefined;
  const check: SchemaCheck = Object.assign(
    (value: unknown): boolean => {
      if (validate === undefined && broken === undefined) {
        try {
          validate = compile(schema);
        } catch (err) {
          const reason = err instanceof Error ? err.message : String(err);
          const message = `the tool's schema does not compile (plugin.json: ${field}: ${reason})`;
          broken = [{ keyword: 'schema', instancePath: '', schemaPath: '#', params: {}, message }];
        }
      }
      if (validate === undefined) {
        check.errors = broken;
        return false;
      }
      const valid = validate(value);
      check.errors = validate.errors;
      return valid;
    },
    { errors: null as ErrorObject[] | null | undefined },
  );
  return check;
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
