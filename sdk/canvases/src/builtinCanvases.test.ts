import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { canvasTypeManifestSchema } from '@easel/schemas';
import { describe, expect, it } from 'vitest';
import {
  boardCanvas,
  builtinCanvases,
  docCanvas,
  HOST_REGISTERED_CANVAS_TYPES,
  mediaCanvas,
  runConsoleCanvas,
  whiteboardCanvas,
} from './index.ts';

const SRC = import.meta.dirname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

function importsOf(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/g)) found.push(match[1]!);
  for (const match of text.matchAll(/(?:^|\n)\s*import\s+'([^']+)'/g)) found.push(match[1]!);
  for (const match of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) found.push(match[1]!);
  return found;
}

describe('@easel/canvases', () => {
  it('[CONTRACT 5] exports one valid cartridge per built-in type, keyed by its manifest type', () => {
    expect(Object.keys(builtinCanvases).sort()).toEqual(['board', 'doc', 'media', 'run-console', 'whiteboard']);
    for (const [type, cartridge] of Object.entries(builtinCanvases)) {
      expect(cartridge.manifest.type).toBe(type);
      const parsed = canvasTypeManifestSchema.safeParse(cartridge.manifest);
      expect(parsed.success, `${type}: ${parsed.error?.message}`).toBe(true);
      expect(parsed.data).toEqual(cartridge.manifest);
      expect(typeof cartridge.project).toBe('function');
      expect(() => cartridge.project({}, {})).not.toThrow();
    }
    expect([boardCanvas, whiteboardCanvas, docCanvas, runConsoleCanvas, mediaCanvas]).toEqual(
      Object.values(builtinCanvases),
    );
    for (const type of HOST_REGISTERED_CANVAS_TYPES) expect(builtinCanvases[type]).toBeDefined();
  });

  it('[CONTRACT 5] board and whiteboard declare the built-in roots and token catalogs of the gateway', () => {
    expect(boardCanvas.manifest.roots).toEqual({ notes: 'map', layout: 'map' });
    expect(Object.keys(boardCanvas.manifest.tokens).sort()).toEqual(
      [
        'board.columns',
        'plan.count',
        'plan.note',
        'plan.status',
        'plan.title',
        'style.accent',
        'style.color',
        'style.dense',
      ].sort(),
    );
    expect(whiteboardCanvas.manifest.roots).toEqual({ shapes: 'map', layers: 'array' });
    expect(Object.keys(whiteboardCanvas.manifest.tokens).sort()).toEqual(
      ['plan.title', 'style.fill', 'style.grid', 'style.stroke', 'view.zoom'].sort(),
    );
  });

  it('canvases import only @easel/harness, @easel/schemas, react and yjs, and open no connections', () => {
    const allowed = /^(\.{1,2}\/|@easel\/harness$|@easel\/schemas$|react$|react\/jsx-runtime$|yjs$)/;
    const allowedInTests =
      /^(\.{1,2}\/|@easel\/harness(\/testing)?$|@easel\/schemas$|react$|yjs$|vitest$|fast-check$|@testing-library\/react$|node:(fs|path)$)/;
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(20);
    const problems: string[] = [];
    for (const file of files) {
      const name = relative(SRC, file);
      const text = readFileSync(file, 'utf8');
      const testOnly = /\.test\.tsx?$/.test(name) || name.startsWith('testing/');
      for (const spec of importsOf(text)) {
        if (!(testOnly ? allowedInTests : allowed).test(spec)) problems.push(`${name} imports ${spec}`);
      }
      if (!testOnly && /\b(fetch|WebSocket|EventSource|XMLHttpRequest|sendBeacon)\b/.test(text)) {
        problems.push(`${name} names a network API`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('no two sources build to the same dist/ file on a case-insensitive disk (tsc TS1149 on macOS and Windows)', () => {
    const byOutput = new Map<string, string[]>();
    for (const file of sourceFiles(SRC)) {
      const output = relative(SRC, file)
        .replace(/\.tsx?$/, '.js')
        .toLowerCase();
      byOutput.set(output, [...(byOutput.get(output) ?? []), relative(SRC, file)]);
    }
    expect(byOutput.size).toBeGreaterThan(20);
    expect([...byOutput.values()].filter((sources) => sources.length > 1)).toEqual([]);
  });
});
