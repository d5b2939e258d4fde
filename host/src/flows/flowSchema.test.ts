import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildFlowCatalog, flowNameOf, pickFlow } from './flowCatalog.ts';
import { FLOW_TEMPLATES, parseFlow } from './flowSchema.ts';

const FLOWS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../flows');

function flowFiles(): Record<string, unknown> {
  const files: Record<string, unknown> = {};
  for (const name of readdirSync(FLOWS_DIR).filter((n) => n.endsWith('.json'))) {
    files[`../../flows/${name}`] = JSON.parse(readFileSync(path.join(FLOWS_DIR, name), 'utf8'));
  }
  return files;
}

const VALID = {
  name: 'mini',
  template: 'split',
  canvases: [
    { canvas_id: 'a', canvas_type: 'board', title: 'A' },
    { canvas_id: 'b', canvas_type: 'whiteboard', title: 'B' },
  ],
};

describe('flow files (host/flows/*.json)', () => {
  it('[CONTRACT 12] every shipped flow is valid, named after its file, one per template', () => {
    const catalog = buildFlowCatalog(flowFiles());
    expect(catalog.errors).toEqual([]);
    expect([...catalog.flows.keys()]).toEqual(['demo', 'console', 'split']);
    const demo = catalog.flows.get('demo')!;
    expect(demo.template).toBe('studio');
    expect(demo.canvases.map((c) => c.canvas_type)).toEqual(['board', 'whiteboard']);
    expect(demo.agent?.prompt.length).toBeGreaterThan(0);
    expect(new Set([...catalog.flows.values()].map((f) => f.template))).toEqual(new Set(FLOW_TEMPLATES));
    for (const flow of catalog.flows.values()) expect(flow.canvases.length).toBeGreaterThanOrEqual(2);
  });

  it('[CONTRACT 3] a malformed flow is refused naming the failing path', () => {
    const cases: Array<[unknown, string]> = [
      [{ ...VALID, template: 'grid' }, 'template'],
      [{ ...VALID, canvases: [VALID.canvases[0]] }, 'canvases'],
      [
        { ...VALID, canvases: [VALID.canvases[0], { ...VALID.canvases[1], canvas_type: 'Bad Type' }] },
        'canvases[1].canvas_type',
      ],
      [{ ...VALID, canvases: [VALID.canvases[0], { ...VALID.canvases[1], canvas_id: 'a' }] }, 'canvases[1].canvas_id'],
      [{ ...VALID, agent: { prompt: '' } }, 'agent.prompt'],
      [{ ...VALID, agent: { prompt: 'hi', canvas_id: 'zzz' } }, 'agent.canvas_id'],
      [{ ...VALID, extra: true }, 'extra'],
      [{ ...VALID, name: '../demo' }, 'name'],
    ];
    for (const [input, where] of cases) {
      const parsed = parseFlow(input, 'flows/mini.json');
      expect(parsed.ok, where).toBe(false);
      if (parsed.ok) continue;
      expect(parsed.error.code).toBe('invalid_flow');
      expect(parsed.error.message.startsWith('flows/mini.json: ')).toBe(true);
      expect(
        parsed.error.issues?.map((i) => i.path),
        where,
      ).toContain(where);
    }
  });

  it('[CONTRACT 3] parseFlow never throws: any JSON is a flow or a coded error', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const parsed = parseFlow(value);
        if (parsed.ok) expect(parsed.value.canvases.length).toBeGreaterThanOrEqual(2);
        else expect(parsed.error.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('[CONTRACT 12] defaults: project demo; a valid flow parses back to itself', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/), { minLength: 2, maxLength: 6 }),
        fc.constantFrom(...FLOW_TEMPLATES),
        (ids, template) => {
          const input = {
            name: 'gen',
            template,
            canvases: ids.map((id) => ({ canvas_id: id, canvas_type: 'board', title: `Canvas ${id}` })),
          };
          const parsed = parseFlow(input);
          expect(parsed.ok).toBe(true);
          if (!parsed.ok) return;
          expect(parsed.value.project_id).toBe('demo');
          expect(parseFlow(parsed.value)).toEqual(parsed);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('[CONTRACT 12] the catalog refuses a flow not named after its file; unknown names list the known ones', () => {
    const catalog = buildFlowCatalog({
      '/x/flows/mini.json': VALID,
      '/x/flows/other.json': VALID,
      '/x/flows/bad.json': 7,
    });
    expect([...catalog.flows.keys()]).toEqual(['mini']);
    expect(catalog.errors.map((e) => e.message.split(':')[0])).toEqual(['flows/bad.json', 'flows/other.json']);
    expect(flowNameOf('../../flows/demo.json')).toBe('demo');
    expect(pickFlow(catalog, 'mini').ok).toBe(true);
    const missing = pickFlow(catalog, 'nope');
    expect(missing).toMatchObject({ ok: false, error: { code: 'unknown_flow' } });
    if (!missing.ok) expect(missing.error.message).toContain("'mini'");
  });
});
