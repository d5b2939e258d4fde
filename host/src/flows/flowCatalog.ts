import { type Flow, type FlowError, parseFlow } from './flowSchema.ts';

/** The flows the host knows, by name, and the files that could not be used (shown, never thrown). */
export interface FlowCatalog {
  flows: ReadonlyMap<string, Flow>;
  errors: readonly FlowError[];
}

/** The flow name a file path stands for: `…/flows/demo.json` → `demo`. */
export function flowNameOf(file: string): string {
  const base = file.slice(file.lastIndexOf('/') + 1);
  return base.endsWith('.json') ? base.slice(0, -'.json'.length) : base;
}

/**
 * Validates flow files (`{path: parsed JSON}`, e.g. from `import.meta.glob` or `readFileSync`):
 * each must pass {@link parseFlow} and be named after its file. Ordered `demo` first, then by name.
 */
export function buildFlowCatalog(files: Readonly<Record<string, unknown>>): FlowCatalog {
  const flows = new Map<string, Flow>();
  const errors: FlowError[] = [];
  const order = (file: string) => (flowNameOf(file) === 'demo' ? `0${file}` : `1${file}`);
  for (const file of Object.keys(files).sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0))) {
    const expected = flowNameOf(file);
    const parsed = parseFlow(files[file], `flows/${expected}.json`);
    if (!parsed.ok) {
      errors.push(parsed.error);
      continue;
    }
    if (parsed.value.name !== expected) {
      errors.push({
        code: 'invalid_flow',
        message: `flows/${expected}.json: name: must equal the file name '${expected}' (got '${parsed.value.name}')`,
        issues: [{ path: 'name', message: `must equal '${expected}'` }],
      });
      continue;
    }
    flows.set(expected, parsed.value);
  }
  return { flows, errors };
}

/** The flow `name` of a catalog, or an `unknown_flow` error listing the ones there are. */
export function pickFlow(
  catalog: FlowCatalog,
  name: string,
): { ok: true; value: Flow } | { ok: false; error: FlowError } {
  const flow = catalog.flows.get(name);
  if (flow) return { ok: true, value: flow };
  const known = [...catalog.flows.keys()];
  return {
    ok: false,
    error: {
      code: 'unknown_flow',
      message: `no flow named '${name}'${known.length > 0 ? `; try ${known.map((n) => `'${n}'`).join(', ')}` : ''}`,
    },
  };
}
