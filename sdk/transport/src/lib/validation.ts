/**
 * How the transport validates what arrives from the network (frames, HTTP answers, presence states):
 * - `structural` (default): the guards generated from the zod schemas (`@easel/schemas/guards`):
 *   shapes, bounds, patterns and refinements, exactly what the schemas accept, without zod in the bundle;
 * - `full`: the zod schemas themselves, loaded with a dynamic `import()` (a separate chunk) before the
 *   first frame or answer is read.
 */
export type ValidationMode = 'structural' | 'full';

/** The zod schemas (`@easel/schemas`), loaded on demand. */
export type SchemasModule = typeof import('@easel/schemas');

/** One validation issue, as guards and zod both report it. */
export interface ParseIssue {
  readonly path: ReadonlyArray<PropertyKey>;
  readonly message: string;
}

export type ParseResult<T> =
  | { readonly success: true; readonly data: T }
  | { readonly success: false; readonly error: { readonly issues: readonly ParseIssue[] } };

/** A guard or a zod schema: anything with `safeParse`. */
export interface Parser<T> {
  safeParse(value: unknown): ParseResult<T>;
}

let loading: Promise<SchemasModule> | null = null;

/** Loads the zod schemas once (`validate: 'full'`). */
export function loadSchemas(): Promise<SchemasModule> {
  loading ??= import('@easel/schemas');
  return loading;
}

type SchemaName<T> = {
  [K in keyof SchemasModule]: SchemasModule[K] extends Parser<T> ? K : never;
}[keyof SchemasModule];

/** The guard, or in `full` mode the zod schema of that name. */
export async function parserFor<T>(
  mode: ValidationMode | undefined,
  guard: Parser<T>,
  schema: SchemaName<T>,
): Promise<Parser<T>> {
  return mode === 'full' ? ((await loadSchemas())[schema] as Parser<T>) : guard;
}

/** The first issue as `path: message`, the path dotted (`plugins.0.state`, `prefix` first). */
export function describeIssues(error: { readonly issues: readonly ParseIssue[] }, prefix?: string): string {
  const issue = error.issues[0];
  const path = [...(prefix === undefined ? [] : [prefix]), ...(issue?.path ?? []).map(String)].join('.');
  return `${path || '(root)'}: ${issue?.message ?? 'invalid'}`;
}
