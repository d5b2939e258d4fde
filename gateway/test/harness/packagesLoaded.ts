import { readFileSync } from 'node:fs';

/**
 * The packages named in a module log written by `recordModuleLoads.mjs` (one resolved URL a
 * line): `…/node_modules/.pnpm/x@1/node_modules/@scope/name/…` counts as `@scope/name`.
 */
export function packagesLoaded(logFile: string): Set<string> {
  let text = '';
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return new Set();
  }
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(line);
    if (m) out.add(m[1]!);
  }
  return out;
}
