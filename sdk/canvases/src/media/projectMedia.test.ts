import { canvasTypeManifestSchema, type JsonValue, snapshotCreatedPayloadSchema } from '@easel/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MEDIA_MANIFEST } from './mediaManifest.ts';
import { mediaKind, mediaRefOf, projectMedia, readMediaItem } from './projectMedia.ts';
import { safeMediaUrl } from './SidecarAccess.ts';

const json = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>;

const payload = {
  artifact_id: 'art-1',
  uri: 's3://bucket/tenants/t/projects/p/artifacts/art-1',
  mime: 'image/png',
  size: 2048,
  sha256: 'a'.repeat(64),
  frame_range: { start: 0, end: 9 },
  created_at: '2024-05-01T12:00:00.000Z',
};

describe('projectMedia', () => {
  it('[CONTRACT 5] the manifest is valid', () => {
    expect(canvasTypeManifestSchema.safeParse(MEDIA_MANIFEST).success).toBe(true);
  });

  it('never throws; every entry is an item or skipped', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), json, { maxKeys: 10 }),
        json,
        (items, size) => {
          const p = projectMedia({ items }, { 'media.size': size });
          expect(p.items.length + p.skipped).toBe(Object.keys(items).length);
          expect(p.thumb).toBeGreaterThan(0);
        },
      ),
    );
  });

  it('[CONTRACT 8] a snapshot_created payload recorded with mediaRefOf reads back (refs only, no bytes)', () => {
    expect(snapshotCreatedPayloadSchema.safeParse(payload).success).toBe(true);
    const ref = mediaRefOf(payload);
    expect(Object.keys(ref).sort()).toEqual(['artifact_id', 'created_at', 'frame_range', 'mime', 'size']);
    expect(readMediaItem('art-1', ref)).toEqual({
      key: 'art-1',
      artifactId: 'art-1',
      mime: 'image/png',
      kind: 'image',
      size: 2048,
      title: '',
      createdAt: '2024-05-01T12:00:00.000Z',
      frames: '0–9',
    });
  });

  it('a token value naming an Object.prototype member is not a size', () => {
    for (const size of ['constructor', 'toString', '__proto__']) {
      expect(projectMedia({}, { 'media.size': size }).thumb).toBe(160);
    }
  });

  it('refuses entries without a usable id or MIME type', () => {
    expect(readMediaItem('k', { mime: 'image/png', artifact_id: 'has space' })).toBeNull();
    expect(readMediaItem('k', { mime: 'nonsense' })).toBeNull();
    expect(readMediaItem('k', 'image/png')).toBeNull();
    expect(mediaKind('video/mp4')).toBe('video');
    expect(mediaKind('application/pdf')).toBe('other');
  });

  it('only http(s) URLs become media sources', () => {
    expect(safeMediaUrl('https://s3.local/b/k?X-Amz-Signature=1')).toBe('https://s3.local/b/k?X-Amz-Signature=1');
    expect(safeMediaUrl('javascript:alert(1)')).toBeNull();
    expect(safeMediaUrl('data:image/png;base64,AAAA')).toBeNull();
    expect(safeMediaUrl('not a url')).toBeNull();
  });
});
