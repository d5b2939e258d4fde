// @vitest-environment happy-dom
import { CanvasTransport, type ConnectionStatus, type FetchLike } from '@easel/transport';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { type ReactNode, StrictMode, useEffect } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { useCanvasMeta } from '../hooks/useCanvasMeta.ts';
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
  const fetch: FetchLike = (input, init) => {
    if (/\/v1\/canvases\/[^/]+\/events/.test(new URL(input).pathname)) streams.push(init?.signal ?? null);
    return gateway.fetch(input, init);
  };
  const transport = new CanvasTransport({
    baseUrl: gateway.baseUrl,
    token: recordedToken({ id: 'you', roles: ['editor'], tenant: gateway.scope.tenant_id }),
    scope: gateway.scope,
    fetch,
  });
  const o = { transport, gateway, streams };
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
