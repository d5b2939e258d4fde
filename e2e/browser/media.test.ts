import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useHostBrowser } from './support/hostBrowser.ts';

const host = useHostBrowser();

/** A real PNG, `width` × `height`, every pixel opaque red. */
function redPng(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, Buffer.from([255, 0, 0]))]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(pixels)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('[ISSUE 7] media gallery in the host app (real S3 behind the gateway)', () => {
  it('[CONTRACT 8] a director uploads an image from the page; it opens from S3; a viewer sees it listed but may not open it', async () => {
    const resolves: string[] = [];
    const puts: string[] = [];
    const failedPuts: string[] = [];
    const director = await host.open({
      actor: 'director',
      flow: 'console',
      canvas: 'console-media',
      beforeGoto: async (page) => {
        page.on('request', (request) => {
          const path = new URL(request.url()).pathname;
          if (request.method() === 'GET' && path.startsWith('/v1/sidecars/')) resolves.push(path.slice(13));
          if (request.method() === 'PUT') puts.push(path);
        });
        // The presigned PUT succeeded but was logged `net::ERR_ABORTED`: its answer's body was cancelled.
        page.on('requestfailed', (request) => {
          if (request.method() === 'PUT') failedPuts.push(`${request.url()}: ${request.failure()?.errorText}`);
        });
      },
    });
    const page = director.page;
    const name = `red-${Date.now()}.png`;
    const second = `wide-${Date.now()}.png`;
    await page.getByTestId('media-upload').setInputFiles([
      { name, mimeType: 'image/png', buffer: redPng(3, 2) },
      { name: second, mimeType: 'image/png', buffer: redPng(8, 1) },
    ]);
    await page.getByText(`Added ${second} to the gallery.`).waitFor({ timeout: 20_000 });
    const item = page.locator('[data-testid^="media-item-"]', { hasText: name });
    await item.waitFor({ timeout: 10_000 });
    // The preview is the uploaded bytes, fetched from S3 with the presigned GET.
    const image = item.getByRole('img', { name });
    await image.waitFor({ timeout: 15_000 });
    await page.waitForFunction(
      (alt) => {
        const img = [...document.images].find((i) => i.alt === alt);
        return img?.complete === true && img.naturalWidth > 0;
      },
      name,
      { timeout: 15_000 },
    );
    expect(await image.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([3, 2]);
    // Shown in the gallery's frame, scaled to fit: a 3×2 image is not a 3-pixel speck beside its caption.
    expect((await image.boundingBox())!.width).toBeGreaterThanOrEqual(100);
    expect(new URL(await image.getAttribute('src').then(String)).origin).not.toBe(new URL(host.baseUrl).origin);
    // Each preview asked for its URL once: adding the second item did not re-resolve the first.
    await item.page().getByRole('img', { name: second }).waitFor({ timeout: 15_000 });
    const counts = new Map<string, number>();
    for (const id of resolves) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect(counts.size).toBeGreaterThanOrEqual(2);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    // Two uploads, two presigned PUTs to S3, none reported failed (aborted) by the browser.
    expect(puts).toHaveLength(2);
    expect(failedPuts).toEqual([]);

    const viewer = await host.open({ actor: 'viewer', flow: 'console', canvas: 'console-media' });
    const listed = viewer.page.locator('[data-testid^="media-item-"]', { hasText: name });
    await listed.waitFor({ timeout: 15_000 });
    expect(await viewer.page.getByTestId('media-no-resolve').textContent()).toContain('may not open');
    expect(await listed.getByRole('img').count()).toBe(0);
    expect(await viewer.page.getByTestId('media-upload').count()).toBe(0);
    expect(director.errors).toEqual([]);
    expect(viewer.errors).toEqual([]);
  }, 90_000);
});

describe('[ISSUE 7] a whiteboard thumbnail in the media gallery', () => {
  it('[CONTRACT 8] the Thumbnail tool’s stored PNG is announced live to a media canvas, added to its gallery and opened', async () => {
    const gallery = await host.open({ actor: 'director', flow: 'console', canvas: 'console-media' });
    const board = await host.open({ actor: 'director', flow: 'console', canvas: 'console-whiteboard', user: 'dana-2' });
    await board.page.getByTestId('add-shape').click();
    await board.page.locator('[data-testid^="shape-"]').first().waitFor({ timeout: 15_000 });
    await board.page.getByTestId('thumbnail').click();
    await board.page.getByText(/^Thumbnail saved/).waitFor({ timeout: 30_000 });
    // The other page shows the media canvas: the new sidecar arrives on the project's timeline.
    const page = gallery.page;
    const announced = page.locator('[data-testid^="media-announced-"]').last();
    await announced.waitFor({ timeout: 15_000 });
    const artifactId = (await announced.getAttribute('data-testid'))!.slice('media-announced-'.length);
    await announced.getByRole('button', { name: 'Add to gallery' }).click();
    const preview = page.getByTestId(`media-preview-${artifactId}`).locator('img');
    await preview.waitFor({ timeout: 15_000 });
    await page.waitForFunction(
      (id) => {
        const img = document.querySelector<HTMLImageElement>(`[data-testid="media-preview-${id}"] img`);
        return img?.complete === true && img.naturalWidth > 0;
      },
      artifactId,
      { timeout: 15_000 },
    );
    expect(await preview.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([
      320, 240,
    ]);
    expect(gallery.errors).toEqual([]);
    expect(board.errors).toEqual([]);
  }, 90_000);
});
