/** Bounds and default of {@link integerQueryParam}. */
export interface IntegerQueryParamOptions {
  /** Smallest value allowed (inclusive). */
  readonly min: number;
  /** Largest value allowed (inclusive); at most 999 999 999. */
  readonly max: number;
  /** The value when the parameter is absent. */
  readonly default: number;
}

export type IntegerQueryParamResult = { ok: true; value: number } | { ok: false; message: string };

/**
 * A query parameter that must be one decimal integer in `[min, max]`, from Express's `simple`
 * query parser (`querystring`: a repeated key is an array, `name[]` and `name[x]` are keys of their
 * own). Every message starts with `"<name>: "` and says what to send: a parameter given twice, or
 * in the bracket form (`limit[]=5`, `limit[a]=3`, which would otherwise be ignored silently), is
 * refused, never guessed.
 */
export function integerQueryParam(
  query: Readonly<Record<string, unknown>>,
  name: string,
  options: IntegerQueryParamOptions,
): IntegerQueryParamResult {
  const range = `an integer from ${options.min} to ${options.max}`;
  for (const key of Object.keys(query)) {
    if (key.startsWith(`${name}[`)) {
      return {
        ok: false,
        message: `${name}: the bracket form ${key.slice(0, 40)}= is not supported; send ${name}=<${range}> once`,
      };
    }
  }
  const raw = Object.hasOwn(query, name) ? query[name] : undefined;
  if (raw === undefined) return { ok: true, value: options.default };
  if (Array.isArray(raw)) {
    return { ok: false, message: `${name}: given ${raw.length} times; send it once, as ${range}` };
  }
  const text = typeof raw === 'string' ? raw : String(raw);
  const digits = /^[0-9]{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (digits >= options.min && digits <= options.max) return { ok: true, value: digits };
  const shown = text.length > 20 ? `${text.slice(0, 20)}…` : text;
  return { ok: false, message: `${name}: must be ${range}, not ${JSON.stringify(shown)}` };
}
