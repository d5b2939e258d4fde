import {
  builtinCanvases,
  MediaCanvas,
  type MediaProjection,
  mediaCanvas,
  liveRunConsoleCanvas,
  type SidecarAccess,
} from '@easel/canvases';
import { type AnyCanvasCartridge, type CanvasProps, useLens, useRealtime, useTransport } from '@easel/harness';
import type { SnapshotCreatedPayload } from '@easel/schemas';
import { SidecarClient } from '@easel/transport/sidecars';
import { type ReactNode, useMemo } from 'react';
import { useHostSession } from './HostSession.ts';

/** The media gallery with what the host knows: the lens's sidecar rights, a resolver and uploads. */
function HostMediaCanvas(props: CanvasProps<MediaProjection>): ReactNode {
  const transport = useTransport();
  const session = useHostSession();
  const lens = useLens();
  const snapshots = useRealtime({ limit: 50, types: ['snapshot_created'] });
  const rights = lens.me?.permissions.sidecars ?? { see: false, resolve: false };
  const client = useMemo(
    () => new SidecarClient({ baseUrl: session.baseUrl, token: session.token, scope: transport.scope }),
    [session, transport],
  );
  const announced = useMemo(
    () =>
      snapshots
        .map((entry) => entry.payload as unknown)
        .filter((p): p is SnapshotCreatedPayload => typeof (p as { artifact_id?: unknown }).artifact_id === 'string'),
    [snapshots],
  );
  // Stable across renders: a preview re-resolves its URL whenever `resolveUrl` changes.
  const calls = useMemo(
    (): Pick<SidecarAccess, 'resolveUrl' | 'upload'> => ({
      resolveUrl: async (artifactId) => {
        const resolved = await client.resolveSidecar(artifactId);
        return resolved.ok
          ? { ok: true, url: resolved.value.url }
          : { ok: false, code: resolved.error.code, message: resolved.error.message };
      },
      upload: async (file) => {
        const uploaded = await client.uploadSidecar(file, { contentType: file.type || 'application/octet-stream' });
        return uploaded.ok
          ? { ok: true, ref: uploaded.value }
          : { ok: false, code: uploaded.error.code, message: uploaded.error.message };
      },
    }),
    [client],
  );
  const access: SidecarAccess = { see: rights.see, resolve: rights.resolve, announced, ...calls };
  if (lens.status === 'loading') return <p className="host-muted">Checking your media permissions…</p>;
  return <MediaCanvas {...props} sidecars={access} />;
}

/** Cartridges by canvas type: the built-ins, with media and run-console wired to host data. */
export const hostCartridges: Readonly<Record<string, AnyCanvasCartridge>> = {
  ...builtinCanvases,
  media: { ...mediaCanvas, Component: HostMediaCanvas },
  'run-console': liveRunConsoleCanvas,
};
