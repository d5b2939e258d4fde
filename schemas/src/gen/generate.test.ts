import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODE_LIST } from '../errors/errorCodes.ts';
import { buildArtifacts } from './buildArtifacts.ts';
import { schemaCatalog } from './schemaCatalog.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

interface Operation {
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}

describe('schemas/generated', () => {
  const files = buildArtifacts();

  it('is deterministic and formatted (2-space JSON + newline)', () => {
    const again = buildArtifacts();
    expect([...again.keys()]).toEqual([...files.keys()]);
    for (const [rel, text] of files) {
      expect(again.get(rel)).toBe(text);
      expect(text.endsWith('}\n')).toBe(true);
      expect(JSON.stringify(JSON.parse(text), null, 2) + '\n').toBe(text);
    }
  });

  it('has a draft 2020-12 JSON Schema for every exported schema', () => {
    for (const entry of schemaCatalog()) {
      const text = files.get(`json-schema/${entry.baseName}.json`);
      expect(text, entry.exportName).toBeDefined();
      expect(JSON.parse(text!).$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    }
  });

  it('[CONTRACT 2-12] OpenAPI 3.1: every endpoint, bearer auth, every error response is the error body', () => {
    const doc = JSON.parse(files.get('openapi.json')!);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth).toEqual({ bearerFormat: 'JWT', scheme: 'bearer', type: 'http' });
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    for (const p of [
      '/v1/commands',
      '/v1/commands:batch',
      '/v1/canvases/{canvas_id}',
      '/v1/canvases/{canvas_id}/events',
      '/v1/canvases/{canvas_id}/revisions',
      '/v1/realtime',
      '/v1/runs/{run_id}/events',
      '/v1/projects/{project_id}/lens',
      '/v1/projects/{project_id}/canvas-types',
      '/v1/projects/{project_id}/canvas-types/{type}',
      '/v1/dev/tokens',
      '/v1/presence/tickets',
      '/v1/sidecars',
      '/v1/plugins',
      '/v1/jobs',
      '/v1/runs',
      '/healthz',
      '/readyz',
      '/metrics',
    ]) {
      expect(doc.paths[p], p).toBeDefined();
    }
    expect(Object.keys(doc.paths['/v1/projects/{project_id}/lens']).sort()).toEqual(['get', 'put']);
    let errorResponses = 0;
    for (const [p, item] of Object.entries(doc.paths as Record<string, Record<string, Operation>>)) {
      for (const [method, op] of Object.entries(item)) {
        for (const [status, res] of Object.entries(op.responses)) {
          if (status.startsWith('2') || p === '/readyz') continue;
          errorResponses++;
          expect(res.content?.['application/json']?.schema?.$ref, `${method} ${p} ${status}`).toBe(
            '#/components/schemas/ErrorBody',
          );
        }
      }
    }
    expect(errorResponses).toBeGreaterThan(50);
    expect(Object.keys(doc['x-error-codes']).sort()).toEqual([...ERROR_CODE_LIST].sort());
  });

  it('generate.ts --check passes against the committed files', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'schemas/scripts/generate.ts', '--check'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(out).toContain('up to date');
  }, 60_000);

  it('--check exits 1 naming the file when a generated file differs, is missing or stale', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'easel-schemas-gen-'));
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'schemas/scripts/generate.ts', '--out', dir, ...args], {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
      });
    try {
      expect(run().status).toBe(0);
      expect(run('--check').status).toBe(0);
      writeFileSync(path.join(dir, 'json-schema/scope.json'), '{}\n');
      writeFileSync(path.join(dir, 'json-schema/leftover.json'), '{}\n');
      rmSync(path.join(dir, 'openapi.json'));
      const failed = run('--check');
      expect(failed.status).toBe(1);
      expect(failed.stderr).toContain('out of date: json-schema/scope.json');
      expect(failed.stderr).toContain('stale (no longer generated): json-schema/leftover.json');
      expect(failed.stderr).toContain('missing: openapi.json');
      expect(failed.stderr).toContain('pnpm schemas:gen');
      expect(run().status).toBe(0);
      expect(run('--check').status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
