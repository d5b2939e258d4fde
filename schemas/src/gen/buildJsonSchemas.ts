import { z } from 'zod';
import { actorSchema } from '../identity/actorSchema.ts';
import { jsonValueSchema } from '../lib/jsonValueSchema.ts';
import { canvasScopeSchema } from '../scope/canvasScopeSchema.ts';
import { scopeSchema } from '../scope/scopeSchema.ts';
import { schemaCatalog } from './schemaCatalog.ts';

/** Shared pieces named in `$defs` (instead of zod's `__schemaN`). */
function definitionNames() {
  const registry = z.registry<{ id?: string }>();
  registry.add(jsonValueSchema, { id: 'JsonValue' });
  registry.add(scopeSchema, { id: 'Scope' });
  registry.add(canvasScopeSchema, { id: 'CanvasScope' });
  registry.add(actorSchema, { id: 'Actor' });
  return registry;
}

/**
 * JSON Schema (draft 2020-12) of every exported schema, keyed by file name (`command.json`).
 * `io: "input"`: each document describes what the schema accepts.
 */
export function buildJsonSchemas(): Map<string, unknown> {
  const metadata = definitionNames();
  const out = new Map<string, unknown>();
  for (const entry of schemaCatalog()) {
    const doc = z.toJSONSchema(entry.schema, {
      target: 'draft-2020-12',
      io: 'input',
      metadata,
      unrepresentable: 'any',
    });
    out.set(`${entry.baseName}.json`, { title: entry.componentName, ...doc });
  }
  return out;
}
