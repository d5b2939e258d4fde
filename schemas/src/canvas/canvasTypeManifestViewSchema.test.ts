import { describe, expect, it } from 'vitest';
import { BOARD_MANIFEST } from '../builtins/boardManifest.ts';
import { canvasReadyPayloadGuard } from '../guards/generated/guards.ts';
import { canvasReadyPayloadSchema } from '../events/payloads/canvasReadyPayloadSchema.ts';
import { canvasTypeManifestSchema, canvasTypeManifestViewSchema } from './canvasTypeManifestSchema.ts';

/** The board manifest as a newer gateway might send it: a field this client does not know at every level. */
function fromNewerGateway(): Record<string, unknown> {
  const manifest = structuredClone(BOARD_MANIFEST) as unknown as Record<string, unknown>;
  manifest.layout_hints = { columns: 3 };
  const tokens = manifest.tokens as Record<string, Record<string, unknown>>;
  const firstToken = Object.keys(tokens)[0]!;
  tokens[firstToken]!.unit = 'px';
  const tools = manifest.tools as Array<Record<string, unknown>>;
  tools.push({ id: 'newer-tool', label: 'Newer', command: 'state.ops', icon: 'star' });
  return manifest;
}

describe('canvasTypeManifestViewSchema: forward compatibility of what the gateway sends', () => {
  it('registration still refuses an unknown field at every level (a typo must not vanish)', () => {
    const manifest = fromNewerGateway();
    const issues = canvasTypeManifestSchema.safeParse(manifest).error?.issues ?? [];
    const paths = issues.map((issue) => issue.path.join('.')).sort();
    expect(issues.length).toBeGreaterThanOrEqual(3);
    expect(paths.some((p) => p.startsWith('tools.'))).toBe(true);
    expect(paths.some((p) => p.startsWith('tokens.'))).toBe(true);
  });

  it('a manifest with fields this client does not know is read, the unknown fields dropped', () => {
    const parsed = canvasTypeManifestViewSchema.parse(fromNewerGateway());
    expect(parsed).not.toHaveProperty('layout_hints');
    expect(Object.values(parsed.tokens).some((decl) => 'unit' in decl)).toBe(false);
    expect(parsed.tools.at(-1)).toEqual({ id: 'newer-tool', label: 'Newer', command: 'state.ops' });
    expect(parsed.roots).toEqual(BOARD_MANIFEST.roots);
  });

  it('CANVAS_READY from a newer gateway passes the zod schema and the generated guard alike', () => {
    const payload = {
      canvas_id: 'c1',
      canvas_type: 'board',
      manifest: fromNewerGateway(),
      revision: 3,
      cursor: 'abc-3',
      reset: false,
    };
    const viaZod = canvasReadyPayloadSchema.safeParse(payload);
    const viaGuard = canvasReadyPayloadGuard.safeParse(payload);
    expect(viaZod.success).toBe(true);
    expect(viaGuard.success).toBe(true);
    if (viaZod.success && viaGuard.success) expect(viaGuard.data).toEqual(viaZod.data);
  });
});
