// @vitest-environment happy-dom
import type { StateOp } from '@easel/schemas';
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderCartridge } from '../testing/renderCartridge.tsx';
import { mediaCanvas } from './mediaCartridge.ts';
import type { ResolvedSidecar, SidecarAccess } from './SidecarAccess.ts';

afterEach(cleanup);

const seed: StateOp[] = [
  {
    op: 'insert' as const,
    root: 'items',
    key: 'img-1',
    value: {
      artifact_id: 'img-1',
      mime: 'image/png',
      size: 1200,
      title: 'Frame 1',
      created_at: '2024-05-02T00:00:00Z',
    },
  },
  {
    op: 'insert' as const,
    root: 'items',
    key: 'vid-1',
    value: { artifact_id: 'vid-1', mime: 'video/mp4', size: 5_000_000, created_at: '2024-05-01T00:00:00Z' },
  },
];

function access(overrides: Partial<SidecarAccess> = {}): SidecarAccess & { asked: string[] } {
  const asked: string[] = [];
  return {
    see: true,
    resolve: true,
    resolveUrl: async (id: string): Promise<ResolvedSidecar> => {
      asked.push(id);
      if (id === 'vid-1') return { ok: false, code: 'forbidden', message: 'expired ticket' };
      return { ok: true, url: `https://s3.test/bucket/${id}?sig=1` };
    },
    ...overrides,
    asked,
  };
}

describe('media cartridge', () => {
  it('[CONTRACT 6] shows a clear not-permitted state and no references when the lens denies sidecars.see', () => {
    renderCartridge(mediaCanvas, { seed, extra: { sidecars: access({ see: false, resolve: false }) } });
    const denied = screen.getByTestId('media-not-permitted');
    expect(denied.textContent).toContain('Not permitted');
    expect(denied.textContent).toContain('Your role may not see media');
    expect(screen.queryByTestId('media-gallery')).toBeNull();
    expect(screen.queryByText('Frame 1')).toBeNull();
  });

  it('[CONTRACT 6] denies by default when the host passes no sidecar permissions', () => {
    renderCartridge(mediaCanvas, { seed });
    expect(screen.getByTestId('media-not-permitted').textContent).toContain('given no sidecar permissions');
    expect(screen.queryByTestId('media-item-img-1')).toBeNull();
  });

  it('[CONTRACT 6] lists references but opens none without sidecars.resolve', () => {
    const sidecars = access({ resolve: false });
    renderCartridge(mediaCanvas, { seed, extra: { sidecars } });
    expect(screen.getByTestId('media-item-img-1').textContent).toContain('Frame 1');
    expect(screen.getByTestId('media-no-resolve')).toBeTruthy();
    expect(screen.queryByTestId('media-preview-img-1')).toBeNull();
    expect(sidecars.asked).toEqual([]);
  });

  it('[CONTRACT 8] resolves previews when permitted; a refused resolve shows its reason', async () => {
    const sidecars = access();
    renderCartridge(mediaCanvas, { seed, extra: { sidecars } });
    const items = screen.getAllByRole('listitem').map((li) => li.getAttribute('data-testid'));
    expect(items).toEqual(['media-item-img-1', 'media-item-vid-1']);
    const img = (await screen.findByRole('img', { name: 'Frame 1' })) as HTMLImageElement;
    expect(img.getAttribute('src')).toBe('https://s3.test/bucket/img-1?sig=1');
    expect((await screen.findByRole('alert')).textContent).toContain('expired ticket (forbidden)');
    expect(sidecars.asked.sort()).toEqual(['img-1', 'vid-1']);
  });

  it('never uses a non-http URL as a source', async () => {
    renderCartridge(mediaCanvas, {
      seed,
      extra: { sidecars: access({ resolveUrl: async () => ({ ok: true, url: 'javascript:alert(1)' }) }) },
    });
    expect((await screen.findAllByText(/not http\(s\)/)).length).toBe(2);
    expect(screen.queryByRole('img')).toBeNull();
  });

  it('adds an announced sidecar and removes an item through state.ops on items', async () => {
    const announced = [
      {
        artifact_id: 'new-1',
        uri: 's3://b/k',
        mime: 'image/jpeg',
        size: 10,
        sha256: 'b'.repeat(64),
        created_at: '2024-05-03T00:00:00Z',
      },
    ];
    const { emitter } = renderCartridge(mediaCanvas, { seed, extra: { sidecars: access({ announced }) } });
    fireEvent.click(screen.getByRole('button', { name: 'Add to gallery' }));
    expect(emitter.allOps()).toEqual([
      {
        op: 'insert',
        root: 'items',
        key: 'new-1',
        value: { artifact_id: 'new-1', mime: 'image/jpeg', size: 10, created_at: '2024-05-03T00:00:00Z' },
      },
    ]);
    expect(await screen.findByTestId('media-item-new-1')).toBeTruthy();
    expect(screen.queryByTestId('media-announced-new-1')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Remove Frame 1 from the gallery' }));
    expect(emitter.allOps().at(-1)).toEqual({ op: 'delete', root: 'items', key: 'img-1' });
    expect(screen.queryByTestId('media-item-img-1')).toBeNull();
  });

  it('[CONTRACT 8] uploads a picked file through the host and adds it to the gallery, titled with its name', async () => {
    const picked: File[] = [];
    const upload = async (file: File) => {
      picked.push(file);
      return {
        ok: true as const,
        ref: {
          artifact_id: 'up-1',
          uri: 's3://b/k',
          mime: file.type,
          size: file.size,
          sha256: 'c'.repeat(64),
          created_at: '2024-05-04T00:00:00Z',
        },
      };
    };
    const { emitter } = renderCartridge(mediaCanvas, { seed, extra: { sidecars: access({ upload }) } });
    const file = new File([new Uint8Array([137, 80, 78, 71])], 'sketch.png', { type: 'image/png' });
    fireEvent.change(screen.getByTestId('media-upload'), { target: { files: [file] } });
    expect(await screen.findByText('Added sketch.png to the gallery.')).toBeTruthy();
    expect(picked.map((f) => f.name)).toEqual(['sketch.png']);
    expect(emitter.allOps()).toEqual([
      {
        op: 'insert',
        root: 'items',
        key: 'up-1',
        value: {
          artifact_id: 'up-1',
          mime: 'image/png',
          size: 4,
          created_at: '2024-05-04T00:00:00Z',
          title: 'sketch.png',
        },
      },
    ]);
    expect(screen.getByTestId('media-item-up-1').textContent).toContain('sketch.png');
  });

  it('[CONTRACT 8] a refused upload shows its reason and adds nothing', async () => {
    const upload = async () => ({
      ok: false as const,
      code: 'forbidden',
      message: 'your roles may not upload sidecars',
    });
    const { emitter } = renderCartridge(mediaCanvas, { seed, extra: { sidecars: access({ upload }) } });
    const file = new File(['x'], 'a.png', { type: 'image/png' });
    fireEvent.change(screen.getByTestId('media-upload'), { target: { files: [file] } });
    expect(
      await screen.findByText('Could not upload a.png: your roles may not upload sidecars (forbidden)'),
    ).toBeTruthy();
    expect(emitter.allOps()).toEqual([]);
    expect((screen.getByTestId('media-upload') as HTMLInputElement).disabled).toBe(false);
  });

  it('readOnly shows the gallery without edit affordances; rejected shows its reason', () => {
    renderCartridge(mediaCanvas, {
      seed,
      readOnly: true,
      rejected: { code: 'forbidden', message: "your roles may not write root 'items'" },
      extra: {
        sidecars: access({
          resolve: false,
          announced: [],
          upload: async () => ({ ok: false, code: 'x', message: 'x' }),
        }),
      },
    });
    expect(screen.getByTestId('media-item-vid-1')).toBeTruthy();
    expect(screen.queryByTestId('media-upload')).toBeNull();
    expect(screen.queryAllByRole('button')).toHaveLength(0);
    expect(screen.getByTestId('canvas-rejected').textContent).toContain("may not write root 'items'");
  });
});
