import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ObjectHead } from './S3ObjectStore.ts';
import { verifyObject } from './verifyObject.ts';

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
const mime = fc.constantFrom('image/png', 'text/plain', 'application/octet-stream', 'video/mp4');
const declaredArb = fc.record({ size: fc.integer({ min: 1, max: 1e9 }), mime, sha256: hex64 });

function headOf(d: { size: number; mime: string; sha256: string }, over: Partial<ObjectHead> = {}): ObjectHead {
  return { size: d.size, mime: d.mime, declaredSha256: d.sha256, storeSha256: null, ...over };
}

describe('verifyObject (contract 8: complete verifies the stored object)', () => {
  it('[CONTRACT 8] an object matching its declaration passes, whichever hashes the store offers', () => {
    fc.assert(
      fc.property(declaredArb, fc.boolean(), fc.boolean(), (d, withStore, withRead) => {
        const head = headOf(d, withStore ? { storeSha256: d.sha256 } : {});
        expect(verifyObject(d, head, withRead ? d.sha256 : undefined)).toEqual({ ok: true });
      }),
    );
  });

  it('[CONTRACT 8] a missing object is not_uploaded', () => {
    expect(verifyObject({ size: 1, mime: 'text/plain', sha256: 'a'.repeat(64) }, null)).toMatchObject({
      ok: false,
      error: { reason: 'not_uploaded' },
    });
  });

  it('[CONTRACT 8] another size is size_mismatch, naming both', () => {
    fc.assert(
      fc.property(declaredArb, fc.integer({ min: 0, max: 1e9 }), (d, other) => {
        fc.pre(other !== d.size);
        expect(verifyObject(d, headOf(d, { size: other }))).toEqual({
          ok: false,
          error: expect.objectContaining({ reason: 'size_mismatch', expected: d.size, actual: other }),
        });
      }),
    );
  });

  it('[CONTRACT 8] another type is type_mismatch; parameters and case do not count', () => {
    const d = { size: 3, mime: 'text/plain', sha256: 'b'.repeat(64) };
    expect(verifyObject(d, headOf(d, { mime: 'Text/Plain; charset=utf-8' }))).toEqual({ ok: true });
    expect(verifyObject(d, headOf(d, { mime: 'image/png' }))).toMatchObject({ error: { reason: 'type_mismatch' } });
    expect(verifyObject(d, headOf(d, { mime: null }))).toMatchObject({ error: { reason: 'type_mismatch' } });
  });

  it('[CONTRACT 8] any offered hash that differs is checksum_mismatch', () => {
    fc.assert(
      fc.property(declaredArb, hex64, fc.constantFrom('meta', 'store', 'read'), (d, other, where) => {
        fc.pre(other !== d.sha256);
        const head = headOf(d, {
          ...(where === 'meta' ? { declaredSha256: other } : {}),
          ...(where === 'store' ? { storeSha256: other } : {}),
        });
        const result = verifyObject(d, head, where === 'read' ? other : undefined);
        expect(result).toEqual({
          ok: false,
          error: expect.objectContaining({ reason: 'checksum_mismatch', expected: d.sha256, actual: other }),
        });
      }),
    );
  });

  it('[CONTRACT 8] an object without any hash is checksum_unknown, never accepted', () => {
    const d = { size: 3, mime: 'text/plain', sha256: 'c'.repeat(64) };
    expect(verifyObject(d, headOf(d, { declaredSha256: null }))).toMatchObject({
      error: { reason: 'checksum_unknown' },
    });
  });
});
