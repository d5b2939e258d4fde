// @vitest-environment happy-dom
import { CanvasTransport, type ConnectionStatus, type FetchLike } from '@easel/transport';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { type ReactNode, StrictMode, useEffect } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { useCanvasMeta } from '../hooks/useCanvasMeta.ts';
import { usePlugins } from '../hooks/usePlugins.ts';
import { useTransport } from '../hooks/useTransport.ts';
import { RecordedGateway } from '../testing/RecordedGateway.ts';
import { DEMO_BOARD_MANIFEST } from '../testing/fixtures.ts';
import { canvasReady, recordedToken } from '../testing/recordedEvent.ts';
import { EaselProvider } from './EaselProvider.tsx';

interface Opened {
  readonly transport: CanvasTransport;
  readonly gateway: RecordedGateway;
  /** `GET /v1/canvases/:id/events` requests the gateway received, with their abort signals. */
  readonly streams: Array<AbortSignal | null>;
  /** `GET /v1/plugins` requests the gateway received. */
  readonly pluginLists: { count: number };
}

let opened: Opened[] = [];
afterEach(() => {
  cleanup();
  for (const o of opened) {
    o.transport.close();
    o.gateway.close();
  }
  opened = [];
});

/** A real transport on the in-memory recorded gateway, counting the canvas stream requests it makes. */
function openRecorded(): Opened {
  const gateway = new RecordedGateway({
    canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST, state: { notes: {} } })],
    pace: 'instant',
  });
  const streams: Array<AbortSignal | null> = [];
  const pluginLists = { count: 0 };
  const fetch: FetchLike = (input, init) => {
    const path = new URL(input).pathname;
    if (/\/v1\/canvases\/[^/]+\/events/.test(path)) streams.push(init?.signal ?? null);
    if (path === '/v1/plugins') pluginLists.count += 1;
    return gateway.fetch(input, init);
  };
  const transport = new CanvasTransport({
    baseUrl: gateway.baseUrl,
    token: recordedToken({ id: 'you', roles: ['editor'], tenant: gateway.scope.tenant_id }),
    scope: gateway.scope,
    fetch,
  });
  const o = { transport, gateway, streams, pluginLists };
  opened.push(o);
  return o;
}

/** Records the transport's status when the subtree's (passive) effects first run. */
function StatusAtEffects(props: { seen: ConnectionStatus[] }): ReactNode {
  const transport = useTransport();
  const { seen } = props;
  useEffect(() => {
    seen.push(transport.status);
  }, [seen, transport]);
  const meta = useCanvasMeta();
  return <p data-testid="ready">{String(meta.ready)}</p>;
}

describe('EaselProvider connects on mount', () => {
  it('[CONTRACT 4] the canvas stream starts before the subtree’s effects run (a layout effect)', async () => {
    const { transport, streams } = openRecorded();
    const before = transport.status;
    const seen: ConnectionStatus[] = [];
    render(
      <EaselProvider transport={transport} presence={false}>
        <StatusAtEffects seen={seen} />
      </EaselProvider>,
    );
    // Connecting already when the canvas's own effects run, not after them.
    expect(seen[0]).not.toBe(before);
    expect(seen[0]).toBe('connecting');
    await waitFor(() => expect(screen.getByTestId('ready').textContent).toBe('true'));
    expect(streams).toHaveLength(1);
  });

  it('[CONTRACT 4] StrictMode’s double effects open one stream, and connect={false} opens none', async () => {
    const strict = openRecorded();
    render(
      <StrictMode>
        <EaselProvider transport={strict.transport} presence={false}>
          <StatusAtEffects seen={[]} />
        </EaselProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(screen.getByTestId('ready').textContent).toBe('true'));
    expect(strict.streams).toHaveLength(1);
    expect(strict.streams[0]?.aborted).toBe(false);
    cleanup();

    const manual = openRecorded();
    const seen: ConnectionStatus[] = [];
    render(
      <EaselProvider transport={manual.transport} presence={false} connect={false}>
        <StatusAtEffects seen={seen} />
      </EaselProvider>,
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(manual.streams).toHaveLength(0);
    expect(seen[0]).not.toBe('connecting');
  });
});

/** Shows the plugin list's state. */
function PluginCount(): ReactNode {
  const { plugins, loading } = usePlugins();
  return <p data-testid="plugins">{loading ? 'loading' : String(plugins.length)}</p>;
}

describe('EaselProvider loads the plugin list on first use', () => {
  it('[CONTRACT 9] no GET /v1/plugins until a usePlugins consumer mounts; then one, even under StrictMode', async () => {
    const o = openRecorded();
    const { rerender } = render(
      <StrictMode>
        <EaselProvider transport={o.transport} presence={false}>
          <StatusAtEffects seen={[]} />
        </EaselProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(screen.getByTestId('ready').textContent).toBe('true'));
    expect(o.pluginLists.count).toBe(0);

    rerender(
      <StrictMode>
        <EaselProvider transport={o.transport} presence={false}>
          <StatusAtEffects seen={[]} />
          <PluginCount />
        </EaselProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(screen.getByTestId('plugins').textContent).toBe('0'));
    expect(o.pluginLists.count).toBe(1);
  });

  it('[CONTRACT 9] a consumer mounted with the provider gets the list at the start', async () => {
    const o = openRecorded();
    render(
      <EaselProvider transport={o.transport} presence={false}>
        <PluginCount />
      </EaselProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('plugins').textContent).toBe('0'));
    expect(o.pluginLists.count).toBe(1);
  });
});
