// Writes schemas/generated/ from @easel/schemas: json-schema/<name>.json for every exported schema
// and openapi.json; and schemas/src/guards/generated/ (the zod-free guards of `@easel/schemas/guards`).
// `--check` regenerates in memory and exits 1 when the committed files differ.
// Usage: tsx schemas/scripts/generate.ts [--check] [--out <dir>] [--guards-out <dir>]
// (`--out` alone writes or checks the JSON artifacts only; `--guards-out` the guards elsewhere.)
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildArtifacts } from '../src/gen/buildArtifacts.ts';
import { buildGuardArtifacts } from '../src/gen/buildGuards.ts';

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

const guardsFlag = process.argv.indexOf('--guards-out');
/** Where the guards go: `--guards-out <dir>`, else schemas/src/guards/generated unless `--out` redirects the JSON. */
const guardsDir =
  guardsFlag !== -1 && process.argv[guardsFlag + 1]
    ? path.resolve(process.argv[guardsFlag + 1]!)
    : outFlag === -1
      ? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/guards/generated')
      : null;

const sets: Array<{ dir: string; label: string; files: Map<string, string> }> = [
  { dir: outDir, label: 'schemas/generated', files: buildArtifacts() },
];
if (guardsDir !== null) {
  sets.push({ dir: guardsDir, label: 'schemas/src/guards/generated', files: buildGuardArtifacts() });
}

if (process.argv.includes('--check')) {
  let failed = false;
  for (const { dir, label, files } of sets) {
    const existing = new Set(listFiles(dir));
    const problems: string[] = [];
    for (const [rel, text] of files) {
      const current = readOrNull(path.join(dir, rel));
      if (current === null) problems.push(`missing: ${rel}`);
      else if (current !== text) problems.push(`out of date: ${rel}`);
    }
    for (const rel of existing) if (!files.has(rel)) problems.push(`stale (no longer generated): ${rel}`);
    if (problems.length > 0) {
      failed = true;
      console.error(`${label} is not up to date with @easel/schemas (${problems.length} file(s)):`);
      for (const p of problems.slice(0, 30)) console.error(`  ${p}`);
      if (problems.length > 30) console.error(`  … and ${problems.length - 30} more`);
    } else {
      console.log(`${label} is up to date (${files.size} files).`);
    }
  }
  if (failed) {
    console.error('Run `pnpm schemas:gen` and commit the result.');
    process.exit(1);
  }
} else {
  for (const { dir, label, files } of sets) {
    const existing = new Set(listFiles(dir));
    for (const rel of existing) if (!files.has(rel)) rmSync(path.join(dir, rel));
    let written = 0;
    for (const [rel, text] of files) {
      const file = path.join(dir, rel);
      if (readOrNull(file) === text) continue;
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
      written++;
    }
    console.log(`${label}: ${files.size} files, ${written} written.`);
  }
}
