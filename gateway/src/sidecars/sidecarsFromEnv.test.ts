import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBucketName, parseS3Endpoint } from './parseS3Settings.ts';
import { sidecarsFromEnv } from './sidecarsFromEnv.ts';

const KEYS = { EASEL_S3_ACCESS_KEY: 'ak', EASEL_S3_SECRET_KEY: 'sk' };

describe('sidecar settings from the command line and environment (contract 12: --s3 <url>)', () => {
  it('[CONTRACT 12] without --s3 the embedded store is used, bucket easel by default', () => {
    expect(sidecarsFromEnv(undefined, {})).toEqual({ ok: true, value: { bucket: 'easel', external: null } });
    expect(sidecarsFromEnv(undefined, { EASEL_S3_BUCKET: 'media-1' })).toMatchObject({
      ok: true,
      value: { bucket: 'media-1', external: null },
    });
  });

  it('[CONTRACT 12] --s3 <url> takes the keys from EASEL_S3_ACCESS_KEY / EASEL_S3_SECRET_KEY', () => {
    expect(sidecarsFromEnv('http://127.0.0.1:7480', { ...KEYS, EASEL_S3_REGION: 'eu-west-1' })).toEqual({
      ok: true,
      value: {
        bucket: 'easel',
        external: {
          endpoint: 'http://127.0.0.1:7480',
          region: 'eu-west-1',
          bucket: 'easel',
          accessKeyId: 'ak',
          secretAccessKey: 'sk',
        },
      },
    });
    const missing = sidecarsFromEnv('http://127.0.0.1:7480', { EASEL_S3_ACCESS_KEY: 'ak' });
    expect(missing).toMatchObject({ ok: false });
    if (!missing.ok) expect(missing.message).toContain('EASEL_S3_SECRET_KEY');
  });

  it('[CONTRACT 12] TTLs and verify mode are read and checked', () => {
    expect(
      sidecarsFromEnv(undefined, {
        EASEL_SIDECAR_PUT_TTL_S: '2',
        EASEL_SIDECAR_GET_TTL_S: '60',
        EASEL_S3_VERIFY: 'read',
      }),
    ).toMatchObject({ ok: true, value: { putTtlSeconds: 2, getTtlSeconds: 60, verify: 'read' } });
    for (const bad of ['0', '-1', '1.5', 'soon', '604801']) {
      const r = sidecarsFromEnv(undefined, { EASEL_SIDECAR_PUT_TTL_S: bad });
      expect(r.ok, bad).toBe(false);
    }
    expect(sidecarsFromEnv(undefined, { EASEL_S3_VERIFY: 'maybe' }).ok).toBe(false);
  });

  it('[CONTRACT 12] --s3 must be an http(s) origin without credentials, path or query', () => {
    expect(parseS3Endpoint('http://127.0.0.1:7480/')).toEqual({ ok: true, value: 'http://127.0.0.1:7480' });
    expect(parseS3Endpoint('https://s3.example.com')).toEqual({ ok: true, value: 'https://s3.example.com' });
    for (const bad of ['127.0.0.1:7480', 'ftp://x', 'http://a:b@host', 'http://host/bucket', 'http://host/?x=1', '']) {
      expect(parseS3Endpoint(bad).ok, bad).toBe(false);
    }
  });

  it('[CONTRACT 8] bucket names: valid S3 names pass, anything else is refused with a message', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (name) => {
        const result = parseBucketName(name);
        const valid = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) && !name.includes('..');
        expect(result.ok).toBe(valid);
        if (!result.ok) expect(result.message).toContain('EASEL_S3_BUCKET');
      }),
    );
    expect(parseBucketName('easel').ok).toBe(true);
    expect(parseBucketName('Easel').ok).toBe(false);
  });
});
