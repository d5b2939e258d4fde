/**
 * How the transport validates what arrives from the network (frames, HTTP answers, presence states):
 * - `structural` (default): the guards generated from the zod schemas (`@easel/schemas/guards`):
 *   types, required and unknown keys, enums, bounds, lengths, patterns and formats, with the same
 *   output as zod (defaults filled in) — everything but the schemas' cross-field `.refine` rules —
 *   without zod in the bundle. Answer guards load with the first answer (or at `connect()`);
 * - `full`: the zod schemas themselves (`@easel/schemas/full`), loaded with a dynamic `import()` (a
 *   separate chunk) before the first frame or answer is read.
 */
export type ValidationMode = 'structural' | 'full';

/** The zod schemas behind the guards (`@easel/schemas/full`), loaded on demand. */
export type SchemasModule = typeof import('@easel/schemas/full');

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
  loading ??= import('@easel/schemas/full').catch((error: unknown) => {
    loading = null; // a later call tries again
    throw error;
  });
  return loading;
}

import { GUARD_RUNTIME } from '@easel/schemas/guards';
import { errorMessage } from './errorMessage.ts';

/** The guards of HTTP answers (`@easel/schemas/guards/answers`), loaded on demand. */
type AnswersModule = ReturnType<typeof import('@easel/schemas/guards/answers').createAnswerGuards>;

/** An HTTP answer the transport validates: `errorBody`, `commandOutcome`, `runInfo`, … */
export type AnswerName = keyof AnswersModule extends infer K ? (K extends `${infer N}Guard` ? N : never) : never;

/** What an answer's guard (and its zod schema) return. */
export type AnswerOf<N extends AnswerName> = AnswersModule[`${N}Guard`] extends Parser<infer T> ? T : never;

let answers: Promise<AnswersModule> | null = null;

/**
 * Loads the answer guards once: with the first answer read, or ahead of it (`connect()` starts
 * this, so that the first command does not wait for it). A separate chunk in browser bundles.
 */
export function loadAnswerGuards(): Promise<AnswersModule> {
  answers ??= import('@easel/schemas/guards/answers').then(
    (module) => module.createAnswerGuards(GUARD_RUNTIME),
    (error: unknown) => {
      answers = null; // a later call tries again
      throw error;
    },
  );
  return answers;
}

/** The parser of an HTTP answer: its generated guard, or in `full` mode its zod schema. */
export async function answerParser<N extends AnswerName>(
  mode: ValidationMode | undefined,
  name: N,
): Promise<Parser<AnswerOf<N>>> {
  try {
    if (mode === 'full') return (await loadSchemas())[`${name}Schema`] as unknown as Parser<AnswerOf<N>>;
    return (await loadAnswerGuards())[`${name}Guard`] as unknown as Parser<AnswerOf<N>>;
  } catch (error) {
    // The chunk could not be loaded (offline?): the answer cannot be checked, so it is refused.
    const message = `cannot load the validators: ${errorMessage(error)}`;
    return { safeParse: () => ({ success: false, error: { issues: [{ path: [], message }] } }) };
  }
}

/** The first issue as `path: message`, the path dotted (`plugins.0.state`, `prefix` first). */
export function describeIssues(error: { readonly issues: readonly ParseIssue[] }, prefix?: string): string {
  const issue = error.issues[0];
  const path = [...(prefix === undefined ? [] : [prefix]), ...(issue?.path ?? []).map(String)].join('.');
  return `${path || '(root)'}: ${issue?.message ?? 'invalid'}`;
}
