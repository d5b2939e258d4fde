import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ERROR_CODES } from '../errors/errorCodes.ts';
import { EVENT_PAYLOAD_SCHEMAS } from '../events/downstreamEventSchema.ts';
import * as api from '../index.ts';
import { base64Pattern } from '../guards/runtime.ts';
import { ANSWER_GUARD_TARGETS, EVENT_GUARD_TARGETS, payloadExportName } from './guardSpec.ts';

type Def = Record<string, unknown> & { type: string; checks?: Array<{ _zod: { def: Record<string, unknown> } }> };
type Schema = { _zod: { def: Def; values?: Set<unknown>; propValues?: Record<string, Set<unknown>> } };

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function defOf(schema: unknown): Def {
  return (schema as Schema)._zod.def;
}

/** Export name (without `Schema`) of every exported schema instance, for readable generated names. */
function exportedNames(): Map<unknown, string> {
  const names = new Map<unknown, string>();
  // Sorted: module namespaces list their keys in different orders under Node and under vitest.
  const entries = Object.entries(api).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, value] of entries) {
    if (value instanceof z.ZodType && !names.has(value)) names.set(value, name.replace(/Schema$/, ''));
  }
  return names;
}

function literal(value: unknown, where: string): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return Object.is(value, -0) ? '-0' : String(value);
  }
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return JSON.stringify(value);
  throw new Error(`${where}: cannot emit the literal ${String(value)}`);
}

/** `f(a, b)` without trailing arguments equal to their defaults. */
function call(fn: string, args: string[], defaults: string[] = []): string {
  const out = [...args];
  while (out.length > 0 && out.length <= defaults.length && out[out.length - 1] === defaults[out.length - 1]) out.pop();
  return `/* @__PURE__ */ ${fn}(${out.join(', ')})`;
}

const PROPERTY_RE = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `text` in lines of at most 100 characters, broken after commas. */
function wrap(text: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + word.length > 100) {
      lines.push(line.trimEnd());
      line = '';
    }
    line += `${word} `;
  }
  if (line.trim() !== '') lines.push(line.trimEnd());
  return lines;
}

/**
 * Writes `guards/generated/guards.ts`: for each schema in `GUARD_TARGETS` (and every event payload)
 * a guard built from the guard runtime's combinators, mirroring the zod definition node by node.
 * Refinements (`.refine` / `.superRefine`) are left out on purpose and listed in the file's header;
 * anything else the runtime cannot express exactly (transforms, pipes, unknown formats, exhaustive
 * records, ...) is an error, never a silent approximation.
 */
export class GuardWriter {
  readonly #names = exportedNames();
  readonly #uses = new Map<unknown, number>();
  readonly #hoisted = new Map<unknown, string>();
  readonly #regexes = new Map<string, string>();
  readonly #statements: string[] = [];
  readonly #runtime = new Set<string>();
  /** Where refinements were left out (for the header). */
  readonly #refined = new Set<string>();
  readonly #taken = new Set<string>();
  readonly #roots = new Set<unknown>();

  constructor(roots: Iterable<unknown>) {
    for (const root of roots) {
      this.#roots.add(root);
      this.#count(root);
    }
  }

  /** Expression (or const name) of a schema's check. */
  check(schema: unknown, where: string): string {
    const known = this.#hoisted.get(schema);
    if (known !== undefined) return known;
    const def = defOf(schema);
    if (def.type === 'lazy') {
      const name = this.#name(schema);
      const inner = (def.getter as () => unknown)();
      const innerName = this.#name(inner);
      this.#statements.push(`const ${name}: Check = ${this.#rt('lazy')}(() => ${innerName});`);
      this.#emitNamed(inner, innerName, where);
      return name;
    }
    if (this.#roots.has(schema) || (this.#uses.get(schema) ?? 0) > 1) {
      const name = this.#name(schema);
      this.#emitNamed(schema, name, where);
      return name;
    }
    return this.#expression(schema, where);
  }

  /**
   * A module exporting `fnName(runtime)` that builds the guards `entries` ([guard name, schema export
   * name, check]) on the runtime it is given: the module imports no runtime code of its own, so a
   * bundle that loads it lazily keeps it a leaf chunk (the runtime stays in the main chunk only).
   */
  factory(fnName: string, doc: string, entries: Array<[string, string, string]>): string {
    const runtime = [...this.#runtime, 'guard'].sort();
    const fields = entries.map(
      ([guardName, exportName, check]) =>
        `/** Guard of \`${exportName}\`. */ ${guardName}: guard<z.output<typeof s.${exportName}>>(${check}),`,
    );
    return [
      ...this.#header(),
      "import type { z } from 'zod';",
      "import type * as s from '../../index.ts';",
      "import type { Check, GuardRuntime } from '../runtime.ts';",
      '',
      doc,
      `export function ${fnName}(runtime: GuardRuntime) {`,
      `const { ${runtime.join(', ')} } = runtime;`,
      ...[...this.#regexes].map(([text, name]) => `const ${name} = ${text};`),
      ...this.#statements,
      `return { ${fields.join('\n')} };`,
      '}',
    ].join('\n');
  }

  #header(): string[] {
    return [
      '// Generated by `pnpm schemas:gen` (schemas/src/gen/buildGuards.ts) from the zod schemas: do not edit.',
      '// `pnpm schemas:check` fails when it is out of date.',
      "// Structural: zod refinements are not checked here (`validate: 'full'` runs the schemas themselves):",
      ...wrap([...this.#refined].sort().join(', ')).map((line) => `//   ${line}`),
    ];
  }

  /** The module text (unformatted). */
  module(body: string[]): string {
    const runtime = [...this.#runtime].sort();
    return [
      ...this.#header(),
      "import type { z } from 'zod';",
      ...(body.some((line) => line.includes('EventPayloads'))
        ? [
            "import type { EventPayloads } from '../../events/downstreamEventSchema.ts';",
            "import type { EventType } from '../../events/eventTypes.ts';",
            "import type { ErrorCode } from '../../errors/errorCodes.ts';",
          ]
        : []),
      "import type * as s from '../../index.ts';",
      `import { type Check, type Guard, guard, ${runtime.join(', ')} } from '../runtime.ts';`,
      '',
      ...[...this.#regexes].map(([text, name]) => `const ${name} = ${text};`),
      '',
      ...this.#statements,
      '',
      ...body,
    ].join('\n');
  }

  #rt(name: string): string {
    this.#runtime.add(name);
    return name;
  }

  #name(schema: unknown): string {
    const known = this.#hoisted.get(schema);
    if (known !== undefined) return known;
    let base = this.#names.get(schema) ?? 'node';
    if (base === 'guard' || base === 'check') base = `${base}Node`;
    let name = base;
    for (let i = 2; this.#taken.has(name) || name === 'node'; i++) name = `${base}${i}`;
    this.#taken.add(name);
    this.#hoisted.set(schema, name);
    return name;
  }

  #emitNamed(schema: unknown, name: string, where: string): void {
    const expression = this.#expression(schema, where);
    this.#statements.push(`const ${name}: Check = ${expression};`);
  }

  #count(schema: unknown): void {
    const uses = (this.#uses.get(schema) ?? 0) + 1;
    this.#uses.set(schema, uses);
    if (uses > 1) return;
    for (const child of this.#children(schema)) this.#count(child);
  }

  #children(schema: unknown): unknown[] {
    const def = defOf(schema);
    switch (def.type) {
      case 'object':
        return Object.values(def.shape as Record<string, unknown>);
      case 'array':
        return [def.element];
      case 'record':
        return [def.keyType, def.valueType];
      case 'union':
        return def.options as unknown[];
      case 'optional':
      case 'nullable':
      case 'default':
        return [def.innerType];
      case 'lazy':
        return [(def.getter as () => unknown)()];
      default:
        return [];
    }
  }

  #regex(re: unknown, where: string): string {
    if (!(re instanceof RegExp)) throw new Error(`${where}: a pattern that is not a RegExp`);
    if (re.global || re.sticky) throw new Error(`${where}: a /g or /y pattern keeps state between tests`);
    // The runtime's linear scan instead of the base64 regex (megabyte snapshots; see base64Pattern).
    if (re.source === base64Pattern.source && re.flags === '') return this.#rt('base64Pattern');
    const text = `/${re.source}/${re.flags}`;
    let name = this.#regexes.get(text);
    if (name === undefined) {
      name = `re${this.#regexes.size + 1}`;
      this.#regexes.set(text, name);
    }
    return name;
  }

  #expression(schema: unknown, where: string): string {
    const def = defOf(schema);
    if ((def.checks ?? []).some((c) => c._zod.def.check === 'custom'))
      this.#refined.add(this.#names.get(schema) ?? where);
    return this.#plain(schema, def, where);
  }

  #plain(schema: unknown, def: Def, where: string): string {
    const checks = (def.checks ?? []).map((c) => c._zod.def).filter((c) => c.check !== 'custom');
    const unsupported = (what: string) => new Error(`${where}: the guard runtime cannot express ${what}`);
    if (def.coerce) throw unsupported('coercion');
    switch (def.type) {
      case 'string': {
        if (def.format === 'url') {
          if ('normalize' in def || 'hostname' in def || 'protocol' in def || checks.length > 0) {
            throw unsupported('a url with options or further checks');
          }
          return call(this.#rt('url'), []);
        }
        let min = 0;
        let max = Infinity;
        const patterns: string[] = [];
        if (def.format === 'datetime') patterns.push(this.#regex(def.pattern, where));
        else if (def.format !== undefined) throw unsupported(`the string format ${String(def.format)}`);
        for (const c of checks) {
          if (c.check === 'min_length') min = Math.max(min, c.minimum as number);
          else if (c.check === 'max_length') max = Math.min(max, c.maximum as number);
          else if (c.check === 'string_format' && c.format === 'regex') patterns.push(this.#regex(c.pattern, where));
          else throw unsupported(`the string check ${String(c.check)}/${String(c.format)}`);
        }
        return call(this.#rt('str'), [literal(min, where), literal(max, where), ...patterns], ['0', 'Infinity']);
      }
      case 'number': {
        if (def.format !== undefined && def.format !== 'safeint') throw unsupported(`number format ${def.format}`);
        let lo = -Infinity;
        let hi = Infinity;
        let open = 0;
        let lows = 0;
        let highs = 0;
        for (const c of checks) {
          if (c.check === 'greater_than') {
            lo = c.value as number;
            open |= c.inclusive ? 0 : 1;
            lows++;
          } else if (c.check === 'less_than') {
            hi = c.value as number;
            open |= c.inclusive ? 0 : 2;
            highs++;
          } else throw unsupported(`the number check ${String(c.check)}`);
        }
        if (lows > 1 || highs > 1) throw unsupported('more than one bound on a side');
        return call(
          this.#rt('num'),
          [String(def.format === 'safeint'), literal(lo, where), literal(hi, where), String(open)],
          ['false', '-Infinity', 'Infinity', '0'],
        );
      }
      case 'boolean':
      case 'null':
      case 'unknown':
      case 'any': {
        if (checks.length > 0) throw unsupported(`checks on ${def.type}`);
        const fn = { boolean: 'bool', null: 'nul', unknown: 'any', any: 'any' }[def.type];
        return call(this.#rt(fn), []);
      }
      case 'literal':
        return call(
          this.#rt('oneOf'),
          (def.values as unknown[]).map((v) => literal(v, where)),
        );
      case 'enum': {
        const values = Object.values(def.entries as Record<string, unknown>);
        if ((schema as Schema)._zod.values?.size !== values.length) throw unsupported('an enum with aliased entries');
        return call(
          this.#rt('oneOf'),
          values.map((v) => literal(v, where)),
        );
      }
      case 'array': {
        let min = 0;
        let max = Infinity;
        for (const c of checks) {
          if (c.check === 'min_length') min = Math.max(min, c.minimum as number);
          else if (c.check === 'max_length') max = Math.min(max, c.maximum as number);
          else throw unsupported(`the array check ${String(c.check)}`);
        }
        const item = this.check(def.element, `${where}[]`);
        return call(this.#rt('arr'), [item, literal(min, where), literal(max, where)], ['', '0', 'Infinity']);
      }
      case 'object': {
        if (checks.length > 0) throw unsupported('object checks other than refinements');
        const catchall = def.catchall === undefined ? undefined : defOf(def.catchall);
        let mode: number;
        if (catchall === undefined) mode = 0;
        else if (catchall.type === 'never') mode = 1;
        else if ((catchall.type === 'unknown' || catchall.type === 'any') && !catchall.checks?.length) mode = 2;
        else throw unsupported('an object catchall schema');
        const fields = Object.entries(def.shape as Record<string, unknown>).map(([key, field]) => {
          if (key === '__proto__') throw unsupported('a __proto__ key');
          const name = PROPERTY_RE.test(key) ? key : JSON.stringify(key);
          return `${name}: ${this.check(field, `${where}.${key}`)}`;
        });
        return call(this.#rt('obj'), [`{ ${fields.join(', ')} }`, String(mode)]);
      }
      case 'record': {
        const keyType = def.keyType as Schema;
        if (keyType._zod.values !== undefined || def.mode === 'loose' || def.partial) {
          throw unsupported('an exhaustive, partial or loose record');
        }
        if (defOf(keyType).type !== 'string') throw unsupported('a record key that is not a string');
        return call(this.#rt('rec'), [
          this.check(keyType, `${where}{key}`),
          this.check(def.valueType, `${where}{value}`),
        ]);
      }
      case 'union': {
        const options = def.options as unknown[];
        if (def.unionFallback) throw unsupported('a discriminated union with unionFallback');
        if (typeof def.discriminator === 'string') {
          const key = def.discriminator;
          const entries = options.map((option, i) => {
            const values = [...((option as Schema)._zod.propValues?.[key] ?? [])];
            if (values.length !== 1) throw unsupported(`option ${i} without one static "${key}"`);
            return `[${literal(values[0], where)}, ${this.check(option, `${where}|${i}`)}]`;
          });
          return call(this.#rt('disc'), [JSON.stringify(key), `[${entries.join(', ')}]`]);
        }
        if (def.inclusive === false) throw unsupported('an exclusive union (z.xor)');
        return call(
          this.#rt('union'),
          options.map((option, i) => this.check(option, `${where}|${i}`)),
        );
      }
      case 'optional':
        if (checks.length > 0) throw unsupported('checks on optional');
        return call(this.#rt('opt'), [this.check(def.innerType, where)]);
      case 'nullable':
        if (checks.length > 0) throw unsupported('checks on nullable');
        return call(this.#rt('nullable'), [this.check(def.innerType, where)]);
      case 'default': {
        const value = def.defaultValue;
        const text = JSON.stringify(value);
        if (text === undefined || JSON.stringify(JSON.parse(text)) !== text) throw unsupported('a non-JSON default');
        return call(this.#rt('withDefault'), [this.check(def.innerType, where), `() => (${text})`]);
      }
      default:
        throw unsupported(`zod type "${def.type}"`);
    }
  }
}

function biomeFormat(text: string, file: string): string {
  const biome = path.join(repoRoot, 'node_modules/.bin/biome');
  const result = spawnSync(biome, ['format', `--stdin-file-path=${file}`], {
    cwd: repoRoot,
    input: text,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`biome format failed: ${result.stderr || result.error}`);
  return result.stdout;
}

/** The module (relative to `schemas/src/`) each export of `schemas/src/index.ts` comes from. */
function exportSources(): Map<string, string> {
  const index = readFileSync(path.join(repoRoot, 'schemas/src/index.ts'), 'utf8');
  const sources = new Map<string, string>();
  for (const m of index.matchAll(/export\s*\{([^}]*)\}\s*from\s*'\.\/([^']+)'/g)) {
    for (const item of m[1]!.split(',')) {
      const name = item.trim();
      if (name === '' || name.startsWith('type ')) continue;
      sources.set(/(\w+)$/.exec(name)![1]!, m[2]!);
    }
  }
  return sources;
}

/** `zod.ts`: the zod schema behind each guard, each imported from its own file (no barrel). */
function zodModule(names: string[]): string {
  const sources = exportSources();
  const lines = [...new Set(names)].sort().map((name) => {
    const source = sources.get(name);
    if (source === undefined) throw new Error(`${name} is not exported by schemas/src/index.ts`);
    return `export { ${name} } from '../../${source}';`;
  });
  return [
    '// Generated by `pnpm schemas:gen` (schemas/src/gen/buildGuards.ts): do not edit.',
    "// `@easel/schemas/full`: the zod schema behind each guard, for `validate: 'full'`. Each comes",
    '// from its own file (no barrel), so a bundle that loads this lazily shares only what it uses.',
    ...lines,
    '',
  ].join('\n');
}

function guardModule(
  targets: Array<[string, unknown]>,
  extra: (writer: GuardWriter, exportGuard: (name: string, schema: unknown) => string) => string[],
): string {
  const writer = new GuardWriter(targets.map(([, schema]) => schema));
  const body: string[] = [];
  const exported = new Set<string>();
  const exportGuard = (exportName: string, schema: unknown) => {
    const name = `${exportName.replace(/Schema$/, '')}Guard`;
    if (exported.has(name)) return name;
    exported.add(name);
    const check = writer.check(schema, exportName);
    body.push(`/** Guard of \`${exportName}\`. */`);
    body.push(`export const ${name}: Guard<z.output<typeof s.${exportName}>> = /* @__PURE__ */ guard(${check});`);
    return name;
  };
  for (const [exportName, schema] of targets) exportGuard(exportName, schema);
  body.push(...extra(writer, exportGuard));
  return writer.module(body);
}

/** Every generated guard file, path relative to `schemas/src/guards/generated/` → its exact text. */
export function buildGuardArtifacts(): Map<string, string> {
  const payloads = Object.entries(EVENT_PAYLOAD_SCHEMAS).map(
    ([type, schema]) => [type, payloadExportName(schema), schema] as const,
  );
  const events = guardModule(
    [
      ...Object.entries(EVENT_GUARD_TARGETS),
      ...payloads.map(([, name, schema]) => [name, schema] as [string, unknown]),
    ],
    (_writer, exportGuard) => {
      const byType = payloads.map(([type, name, schema]) => `${type}: ${exportGuard(name, schema)}`);
      const byStatus = new Map<number, string>();
      for (const [code, entry] of Object.entries(ERROR_CODES)) {
        if (!byStatus.has(entry.status)) byStatus.set(entry.status, code);
      }
      return [
        '/** The payload guard of each event type (`EVENT_PAYLOAD_SCHEMAS`). */',
        `export const EVENT_PAYLOAD_GUARDS: { readonly [T in EventType]: Guard<EventPayloads[T]> } = { ${byType.join(', ')} };`,
        '/** The first error code (`ERROR_CODES` order) of each HTTP status. */',
        `export const ERROR_CODE_BY_STATUS: Readonly<Record<number, ErrorCode>> = { ${[...byStatus]
          .map(([status, code]) => `${status}: ${JSON.stringify(code)}`)
          .join(', ')} };`,
      ];
    },
  );
  const answerTargets = Object.entries(ANSWER_GUARD_TARGETS);
  const answerWriter = new GuardWriter(answerTargets.map(([, schema]) => schema));
  const answers = answerWriter.factory(
    'createAnswerGuards',
    [
      '/**',
      ' * The guards of the HTTP answers clients read, built on the guard runtime:',
      ' * `createAnswerGuards(GUARD_RUNTIME)` (`GUARD_RUNTIME` from `@easel/schemas/guards`). Taking the',
      ' * runtime as an argument keeps this module a leaf that a bundle can load with the first answer.',
      ' */',
    ].join('\n'),
    answerTargets.map(([exportName, schema]) => [
      `${exportName.replace(/Schema$/, '')}Guard`,
      exportName,
      answerWriter.check(schema, exportName),
    ]),
  );
  const names = [...Object.keys(EVENT_GUARD_TARGETS), ...Object.keys(ANSWER_GUARD_TARGETS), 'EVENT_PAYLOAD_SCHEMAS'];
  return new Map([
    ['answers.ts', biomeFormat(`${answers}\n`, 'schemas/src/guards/generated/answers.ts')],
    ['guards.ts', biomeFormat(`${events}\n`, 'schemas/src/guards/generated/guards.ts')],
    ['zod.ts', biomeFormat(zodModule(names), 'schemas/src/guards/generated/zod.ts')],
  ]);
}
