import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LazyObjectStore, type OpenedObjectStore } from './LazyObjectStore.ts';
import { sha256Hex } from './sha256Hex.ts';
import { S3ObjectStore } from './S3ObjectStore.ts';
import { startEmbeddedS3 } from './startEmbeddedS3.ts';

// A store opened on first use, over a real embedded S3 (s3rver) started by the opening.

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An opener that starts s3rver and counts its calls; `failures` first openings reject. */
function embeddedOpener(failures = 0) {
  const dir = mkdtempSync(join(tmpdir(), 'easel-lazy-s3-'));
  dirs.push(dir);
  const counts = { opens: 0, stops: 0 };
  let left = failures;
  const open = async (): Promise<OpenedObjectStore> => {
    counts.opens++;
    if (left > 0) {
      left--;
      throw new Error('the store cannot start yet');
    }
    const s3 = await startEmbeddedS3({ directory: dir, bucket: 'easel' });
    return {
      store: new S3ObjectStore(s3.settings),
      stop: async () => {
        counts.stops++;
        await s3.close();
      },
    };
  };
  return { open, counts };
}

describe('[CONTRACT 8] LazyObjectStore: the sidecar store is opened at its first use', () => {
  it('[CONTRACT 8] opens nothing until called; concurrent first calls share one opening; close stops it', async () => {
    const { open, counts } = embeddedOpener();
    const store = new LazyObjectStore('easel', open);
    expect(store.bucket).toBe('easel');
    expect(store.opened).toBe(false);
    expect(counts.opens).toBe(0);
    const bytes = new TextEncoder().encode('stored on first use');
    const [, put] = await Promise.all([store.ensureBucket(), store.putObject('k/1', bytes, 'text/plain')]);
    expect(counts.opens).toBe(1);
    expect(put.sha256).toBe(sha256Hex(bytes));
    expect(await store.head('k/1')).toMatchObject({ size: bytes.length, mime: 'text/plain' });
    expect(await store.sha256Of('k/1', 1024)).toBe(sha256Hex(bytes));
    store.close();
    await store.stopped();
    expect(counts.stops).toBe(1);
    await expect(store.head('k/1')).rejects.toThrow(/closed/);
    expect(counts.opens).toBe(1);
  });

  it('[CONTRACT 8] a failed opening fails that call only; the next call opens again', async () => {
    const { open, counts } = embeddedOpener(1);
    const store = new LazyObjectStore('easel', open);
    await expect(store.ensureBucket()).rejects.toThrow('the store cannot start yet');
    expect(store.opened).toBe(false);
    await store.ensureBucket();
    expect(counts.opens).toBe(2);
    expect(await store.head('missing')).toBeNull();
    store.close();
    await store.stopped();
    expect(counts.stops).toBe(1);
  });

  it('[CONTRACT 8] closing a store never used opens and stops nothing', async () => {
    const { open, counts } = embeddedOpener();
    const store = new LazyObjectStore('easel', open);
    store.close();
    await store.stopped();
    expect(counts).toEqual({ opens: 0, stops: 0 });
    await expect(store.ensureBucket()).rejects.toThrow(/closed/);
    expect(counts.opens).toBe(0);
  });

  it('[CONTRACT 8] closing while the first call is opening the store stops the store once it is open', async () => {
    const { open, counts } = embeddedOpener();
    const store = new LazyObjectStore('easel', open);
    const first = store.ensureBucket().catch(() => undefined);
    store.close();
    await store.stopped();
    await first;
    expect(counts).toEqual({ opens: 1, stops: 1 });
  });
});
