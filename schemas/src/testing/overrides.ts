// Hand-written arbitraries for schemas whose refinements (or recursion) cannot be derived.
import fc from 'fast-check';
import * as s from '../index.ts';
import { arbitraryFor, jsonArb } from './arbitraryFor.ts';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const UPPER = LOWER.toUpperCase();

/** A fast string arbitrary: one char of `head`, then up to `maxRest` chars of `tail`. */
function word(head: string, tail: string, maxRest: number, minRest = 0): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom(...head),
      fc.string({ unit: fc.constantFrom(...tail), minLength: minRest, maxLength: maxRest }),
    )
    .map(([h, t]) => h + t);
}

const slug = word(LOWER + DIGITS, `${LOWER + DIGITS}_.-`, 12);
const ulid = fc.string({ unit: fc.constantFrom(...'0123456789ABCDEFGHJKMNPQRSTVWXYZ'), minLength: 26, maxLength: 26 });
const entityId = fc.oneof(slug, ulid);
const opaqueId = word(LOWER + UPPER + DIGITS, `${LOWER + UPPER + DIGITS}_.:-`, 30);
const rootName = word(`${LOWER + UPPER}_`, `${LOWER + UPPER + DIGITS}_`, 12);
const tokenId = slug;
const role = word(LOWER + UPPER + DIGITS, `${LOWER + DIGITS}_.:-`, 12);
const glob = word(`${LOWER}*`, `${LOWER + DIGITS}_.*-`, 12);
const base64 = fc.uint8Array({ maxLength: 48 }).map((bytes) => Buffer.from(bytes).toString('base64'));
// Not `__proto__` (fast-check tries it on purpose): state keys refuse it.
const key = fc.string({ minLength: 1, maxLength: 10 }).filter((k) => k !== '__proto__');
const index = fc.nat({ max: 1000 });
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

/** Drops `undefined` fields (zod output never has them for absent optionals). */
function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const color = fc.constantFrom('#000', '#fff', '#A1b2C3', '#123456');

export const tokenDeclarationArb: fc.Arbitrary<s.TokenDeclaration> = fc.oneof(
  fc
    .record({ max_length: opt(fc.integer({ min: 1, max: 50 })), description: opt(fc.string({ maxLength: 20 })) })
    .chain((d) =>
      fc
        .record({ default: opt(fc.string({ maxLength: d.max_length ?? 50 })) })
        .map((x) => compact({ type: 'string' as const, ...d, ...x })),
    ),
  fc
    .tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 1000 }))
    .chain(([min, span]) =>
      fc
        .record({ default: opt(fc.integer({ min, max: min + span })) })
        .map((x) => compact({ type: 'number' as const, min, max: min + span, ...x })),
    ),
  fc.record({ default: opt(fc.boolean()) }).map((x) => compact({ type: 'boolean' as const, ...x })),
  fc
    .uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 5 })
    .chain((values) =>
      fc
        .record({ default: opt(fc.constantFrom(...values)) })
        .map((x) => compact({ type: 'enum' as const, values, ...x })),
    ),
  fc.record({ default: opt(color) }).map((x) => compact({ type: 'color' as const, ...x })),
  fc.record({ default: opt(jsonArb) }).map((x) => compact({ type: 'json' as const, ...x }) as s.TokenDeclaration),
) as fc.Arbitrary<s.TokenDeclaration>;

const toolArb = fc.record({
  id: slug,
  label: fc.string({ minLength: 1, maxLength: 20 }),
  command: fc.constantFrom(...s.COMMAND_TYPE_LIST),
});

export const canvasTypeManifestArb: fc.Arbitrary<s.CanvasTypeManifest> = fc.record({
  type: slug,
  version: fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20)).map((v) => v.join('.')),
  title: fc.string({ minLength: 1, maxLength: 30 }),
  roots: fc.dictionary(rootName, fc.constantFrom(...s.ROOT_KINDS), { minKeys: 1, maxKeys: 4 }),
  tokens: fc.dictionary(tokenId, tokenDeclarationArb, { maxKeys: 4 }),
  tools: fc.uniqueArray(toolArb, { maxLength: 3, selector: (t) => t.id }),
});

export const stateInsertOpArb = fc
  .record({
    root: rootName,
    where: fc.oneof(fc.record({ key }), fc.record({ index }), fc.constant({})),
    value: jsonArb,
  })
  .map(({ root, where, value }) => ({ op: 'insert' as const, root, ...where, value }));

export const stateUpdateOpArb = fc
  .record({
    root: rootName,
    where: fc.oneof(fc.record({ key }), fc.record({ index })),
    path: opt(fc.array(key, { minLength: 1, maxLength: 3 })),
    value: jsonArb,
  })
  .map(({ root, where, path, value }) => compact({ op: 'update' as const, root, ...where, path, value }));

export const stateDeleteOpArb = fc
  .record({
    root: rootName,
    where: fc.oneof(
      fc.record({ key }),
      fc.record({ index }),
      fc.record({ index, length: fc.integer({ min: 1, max: 100 }) }),
    ),
  })
  .map(({ root, where }) => ({ op: 'delete' as const, root, ...where }));

const frameRangeArb = fc
  .tuple(fc.nat(10_000), fc.nat(10_000))
  .map(([a, b]) => ({ start: Math.min(a, b), end: Math.max(a, b) }));

const pluginName = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,15}$/);

export const pluginManifestArb = fc.record({
  name: pluginName,
  version: fc.constantFrom('1.0.0', '0.2.10-beta.1'),
  description: fc.string({ minLength: 1, maxLength: 30 }),
  entry: fc.constantFrom('index.js', 'dist/main.mjs', 'src/entry.ts'),
  device: fc.constantFrom('cpu' as const, 'gpu' as const, 'any' as const),
  tools: fc.dictionary(pluginName, arbitraryFor(s.pluginToolSchema), { minKeys: 1, maxKeys: 3 }),
});

/** Overrides keyed by schema instance, for {@link arbitraryFor}. */
export function schemaOverrides(): Map<unknown, fc.Arbitrary<unknown>> {
  const o = new Map<unknown, fc.Arbitrary<unknown>>();
  o.set(s.jsonValueSchema, jsonArb);
  o.set(s.slugSchema, slug);
  o.set(s.entityIdSchema, entityId);
  o.set(s.opaqueIdSchema, opaqueId);
  o.set(s.rootNameSchema, rootName);
  o.set(
    s.textFieldsSchema,
    fc.dictionary(rootName, fc.uniqueArray(key, { minLength: 1, maxLength: 4 }), { maxKeys: 3 }),
  );
  o.set(s.tokenIdSchema, tokenId);
  o.set(s.roleSchema, role);
  o.set(s.globSchema, glob);
  o.set(s.base64Schema, base64);
  o.set(s.envelopeSchema.shape.event_id, ulid);
  o.set(s.frameRangeSchema, frameRangeArb);
  o.set(s.tokenDeclarationSchema, tokenDeclarationArb);
  o.set(s.canvasTypeManifestSchema, canvasTypeManifestArb);
  o.set(s.tokenDeclarationViewSchema, tokenDeclarationArb);
  o.set(s.canvasTypeManifestViewSchema, canvasTypeManifestArb);
  o.set(s.stateInsertOpSchema, stateInsertOpArb);
  o.set(s.stateUpdateOpSchema, stateUpdateOpArb);
  o.set(s.stateDeleteOpSchema, stateDeleteOpArb);
  o.set(s.pluginManifestSchema, pluginManifestArb);
  o.set(s.framePayloadSchema.shape.uri, opt(fc.webUrl()));
  o.set(
    s.canvasRevertCommandPayloadSchema,
    fc.oneof(fc.record({ revision: fc.nat({ max: 1000 }) }), fc.record({ run_id: entityId })),
  );
  return o;
}
