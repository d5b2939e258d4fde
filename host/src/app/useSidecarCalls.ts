import type { SidecarAccess } from '@easel/canvases';
import { useTransport } from '@easel/harness';
import { SidecarClient } from '@easel/transport/sidecars';
import { useMemo } from 'react';
import { useHostSession } from './HostSession.ts';

/** How canvases reach sidecars in the host: a resolver (presigned GET) and uploads. */
export type SidecarCalls = Required<Pick<SidecarAccess, 'resolveUrl' | 'upload'>>;

/**
 * The sidecar calls of the focused canvas, through the transport's `SidecarClient` (a separate
 * chunk, loaded on first use): uploads belong to the canvas; resolves are asked in the project's
 * scope, so a gallery can open any sidecar of the project its lens lets it (e.g. a whiteboard's
 * stored thumbnail added to a media canvas). Stable while the session and transport are: a
 * preview re-resolves its URL whenever `resolveUrl` changes.
 */
export function useSidecarCalls(): SidecarCalls {
  const transport = useTransport();
  const session = useHostSession();
  return useMemo((): SidecarCalls => {
    const { canvas_id: canvasId, ...project } = transport.scope;
    const client = new SidecarClient({ baseUrl: session.baseUrl, token: session.token, scope: project });
    return {
      resolveUrl: async (artifactId) => {
        const resolved = await client.resolveSidecar(artifactId);
        return resolved.ok
          ? { ok: true, url: resolved.value.url }
          : { ok: false, code: resolved.error.code, message: resolved.error.message };
      },
      upload: async (file) => {
        const uploaded = await client.uploadSidecar(file, {
          canvasId,
          contentType: file.type || 'application/octet-stream',
        });
        return uploaded.ok
          ? { ok: true, ref: uploaded.value }
          : { ok: false, code: uploaded.error.code, message: uploaded.error.message };
      },
    };
  }, [session, transport]);
}
