import { buildJsonSchemas } from './buildJsonSchemas.ts';
import { buildOpenApi } from './buildOpenApi.ts';
import { stableJson } from './stableJson.ts';

/** Every generated file, path relative to `schemas/generated/` → its exact text. */
export function buildArtifacts(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [name, doc] of buildJsonSchemas()) files.set(`json-schema/${name}`, stableJson(doc));
  files.set('openapi.json', stableJson(buildOpenApi()));
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
