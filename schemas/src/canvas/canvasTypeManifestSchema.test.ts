import { describe, expect, it } from 'vitest';
import { describeZodError } from '../errors/describeZodError.ts';
import { canvasTypeManifestSchema } from './canvasTypeManifestSchema.ts';

/** The conformance kit's manifest (shared/conformance/world.mjs), verbatim. */
const kit = {
  type: 'kitboard',
  version: '1.0.0',
  title: 'Conformance kit board',
  roots: { notes: 'map', layout: 'map' },
  tokens: {
    'plan.title': { type: 'string', max_length: 200, default: '' },
    'plan.note': { type: 'string', max_length: 4000, default: '' },
    'plan.count': { type: 'number', min: 0, max: 1000000, default: 0 },
    'style.color': { type: 'color', default: '#000000' },
    'style.mode': { type: 'enum', values: ['calm', 'bold'], default: 'calm' },
    'data.blob': { type: 'json', default: {} },
  },
  tools: [{ id: 'add-note', label: 'Add note', command: 'state.ops' }],
};

function messageOf(input: unknown): string {
  const r = canvasTypeManifestSchema.safeParse(input);
  return r.success ? '' : describeZodError(r.error).message;
}

describe('[CONTRACT 5] canvas type manifest', () => {
  it("accepts the conformance kit's manifest unchanged", () => {
    expect(canvasTypeManifestSchema.parse(kit)).toEqual(kit);
  });

  it('fills tokens and tools when absent', () => {
    const { tokens: _t, tools: _o, ...bare } = kit;
    expect(canvasTypeManifestSchema.parse(bare)).toEqual({ ...bare, tokens: {}, tools: [] });
  });

  it('an enum needs non-empty values', () => {
    expect(messageOf({ ...kit, tokens: { mode: { type: 'enum' } } })).toBe(
      'tokens.mode.values: an enum token must list at least one value',
    );
    expect(messageOf({ ...kit, tokens: { mode: { type: 'enum', values: [] } } })).toBe(
      'tokens.mode.values: must list at least one value',
    );
  });

  it('[CONTRACT 3] an enum with empty values and a default says what to list, not a cut-off "must be one of "', () => {
    for (const values of [[], undefined]) {
      const r = canvasTypeManifestSchema.safeParse({
        ...kit,
        tokens: { mode: { type: 'enum', values, default: 'x' } },
      });
      expect(r.success).toBe(false);
      const issues = r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatch(/^tokens\.mode\.values: .*must list at least one value$/);
    }
  });

  it('a default must satisfy its own declaration', () => {
    expect(messageOf({ ...kit, tokens: { n: { type: 'number', min: 0, max: 3, default: 5 } } })).toBe(
      'tokens.n.default: does not satisfy the declaration: must be at most 3 (got 5)',
    );
    expect(messageOf({ ...kit, tokens: { c: { type: 'color', default: 'red' } } })).toMatch(/^tokens\.c\.default: /);
    expect(messageOf({ ...kit, tokens: { m: { type: 'enum', values: ['a'], default: 'b' } } })).toMatch(
      /^tokens\.m\.default: /,
    );
    expect(messageOf({ ...kit, tokens: { s: { type: 'string', max_length: 2, default: 'abc' } } })).toMatch(
      /^tokens\.s\.default: /,
    );
  });

  it('roots: 1..32 with valid names and kinds', () => {
    expect(messageOf({ ...kit, roots: {} })).toBe('roots: must declare 1 to 32 roots (got 0)');
    const many = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`r${i}`, 'map']));
    expect(messageOf({ ...kit, roots: many })).toBe('roots: must declare 1 to 32 roots (got 33)');
    expect(messageOf({ ...kit, roots: { notes: 'tree' } })).toBe('roots.notes: must be one of map, array, text, xml');
    expect(messageOf({ ...kit, roots: { 'bad name': 'map' } })).toMatch(/^roots.*must be a root name/);
  });

  it('names bad fields, unknown keys and duplicate tools', () => {
    expect(messageOf({ ...kit, type: 'Kit Board' })).toMatch(/^type: must be a slug/);
    expect(messageOf({ ...kit, version: 'one' })).toMatch(/^version: must be a version like 1\.0\.0/);
    expect(messageOf({ ...kit, colour: 'x' })).toBe('colour: unknown field; remove it');
    expect(messageOf({ ...kit, tools: [kit.tools[0], kit.tools[0]] })).toBe(
      'tools[1].id: duplicate tool id "add-note"',
    );
    expect(messageOf({ ...kit, tools: [{ ...kit.tools[0], command: 'rm.rf' }] })).toMatch(
      /^tools\[0\]\.command: must be one of/,
    );
    expect(messageOf({ ...kit, tokens: { 'plan.title': { type: 'text' } } })).toMatch(
      /^tokens\["plan\.title"\]\.type: must be one of/,
    );
  });

  it('text_fields (extension): keys of map or array roots; a bad declaration says what to fix', () => {
    const ok = {
      ...kit,
      roots: { ...kit.roots, items: 'array' },
      text_fields: { notes: ['text'], items: ['text', 'title'] },
    };
    expect(canvasTypeManifestSchema.parse(ok)).toEqual(ok);
    expect(canvasTypeManifestSchema.parse(kit)).not.toHaveProperty('text_fields');
    expect(messageOf({ ...kit, text_fields: { blocks: ['text'] } })).toBe(
      'text_fields.blocks: root "blocks" is not declared in roots; declare it (map or array) or remove it here',
    );
    expect(messageOf({ ...kit, roots: { ...kit.roots, body: 'text' }, text_fields: { body: ['text'] } })).toBe(
      'text_fields.body: root "body" is a text root; text fields are keys of objects inside a map or array root',
    );
    expect(messageOf({ ...kit, roots: { ...kit.roots, tree: 'xml' }, text_fields: { tree: ['text'] } })).toMatch(
      /^text_fields\.tree: root "tree" is a xml root/,
    );
    expect(messageOf({ ...kit, text_fields: { notes: [''] } })).toBe(
      'text_fields.notes[0]: must be a non-empty object key',
    );
    expect(messageOf({ ...kit, text_fields: { notes: ['__proto__'] } })).toBe(
      'text_fields.notes[0]: "__proto__" is not allowed as a key; rename it',
    );
    expect(messageOf({ ...kit, text_fields: { notes: [] } })).toBe(
      'text_fields.notes: must list at least one key (or leave the root out)',
    );
    expect(messageOf({ ...kit, text_fields: { notes: [3] } })).toMatch(/^text_fields\.notes\[0\]: /);
    expect(messageOf({ ...kit, text_fields: { notes: 'text' } })).toMatch(/^text_fields\.notes: /);
    expect(messageOf({ ...kit, text_fields: { notes: ['text', 'text'] } })).toBe(
      'text_fields.notes[1]: duplicate key "text"',
    );
  });
});
