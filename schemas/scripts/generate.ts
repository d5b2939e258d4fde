// Writes schemas/generated/ from @easel/schemas: json-schema/<name>.json for every exported schema
// and openapi.json. `--check` regenerates in memory and exits 1 when the committed files differ.
// Usage: tsx schemas/scripts/generate.ts [--check] [--out <dir>]
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildArtifacts } from '../src/gen/buildArtifacts.ts';

const outFlag = process.argv.indexOf('--out');
/** `--out <dir>` (tests) writes or checks another folder than schemas/generated. */
const outDir =
  outFlag !== -1 && process.argv[outFlag + 1]
    ? path.resolve(process.argv[outFlag + 1]!)
    : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../generated');

function listFiles(dir: string, prefix = ''): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

const files = buildArtifacts();
const existing = new Set(listFiles(outDir));

if (process.argv.includes('--check')) {
  const problems: string[] = [];
  for (const [rel, text] of files) {
    const current = readOrNull(path.join(outDir, rel));
    if (current === null) problems.push(`missing: ${rel}`);
    else if (current !== text) problems.push(`out of date: ${rel}`);
  }
  for (const rel of existing) if (!files.has(rel)) problems.push(`stale (no longer generated): ${rel}`);
  if (problems.length > 0) {
    console.error(`schemas/generated is not up to date with @easel/schemas (${problems.length} file(s)):`);
    for (const p of problems.slice(0, 30)) console.error(`  ${p}`);
    if (problems.length > 30) console.error(`  … and ${problems.length - 30} more`);
    console.error('Run `pnpm schemas:gen` and commit the result.');
    process.exit(1);
  }
  console.log(`schemas/generated is up to date (${files.size} files).`);
} else {
  for (const rel of existing) if (!files.has(rel)) rmSync(path.join(outDir, rel));
  let written = 0;
  for (const [rel, text] of files) {
    const file = path.join(outDir, rel);
    if (readOrNull(file) === text) continue;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    written++;
  }
  console.log(`schemas/generated: ${files.size} files, ${written} written.`);
}
