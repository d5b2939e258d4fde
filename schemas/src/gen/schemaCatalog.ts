import { z } from 'zod';
import * as api from '../index.ts';

/** Exports that are the same schema as another, canonical export (skipped as OpenAPI components). */
const ALIASES = new Set(['commandIdSchema', 'jobCompletedPayloadSchema', 'runEventPayloadSchema']);

export interface CatalogEntry {
  /** Export name, e.g. `commandSchema`. */
  exportName: string;
  /** File/component base name: `command` / `Command`. */
  baseName: string;
  componentName: string;
  schema: z.ZodType;
  alias: boolean;
}

/** Every zod schema exported by `@easel/schemas`, sorted by export name. */
export function schemaCatalog(): CatalogEntry[] {
  const entries: CatalogEntry[] = [];
  for (const [exportName, value] of Object.entries(api)) {
    if (!(value instanceof z.ZodType)) continue;
    const baseName = exportName.replace(/Schema$/, '');
    entries.push({
      exportName,
      baseName,
      componentName: baseName.charAt(0).toUpperCase() + baseName.slice(1),
      schema: value,
      alias: ALIASES.has(exportName),
    });
  }
  return entries.sort((a, b) => (a.exportName < b.exportName ? -1 : a.exportName > b.exportName ? 1 : 0));
}
