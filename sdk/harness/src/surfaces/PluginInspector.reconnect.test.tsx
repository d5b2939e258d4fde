// @vitest-environment happy-dom
import { CanvasTransport, type FetchLike } from '@easel/transport';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarnessApi } from '../api/createHarnessApi.ts';
import { EaselProvider } from '../provider/EaselProvider.tsx';
import { DEMO_PLUGINS, demoRecording } from '../testing/fixtures.ts';
import { RecordedGateway } from '../testing/RecordedGateway.ts';
import { recordedToken } from '../testing/recordedEvent.ts';
import { JobControls } from './JobControls.tsx';
import { PluginInspector } from './PluginInspector.tsx';

const FAST_TIERS = [
  { name: 'immediate', ms: 20 },
  { name: 'quick', ms: 50 },
  { name: 'cap', ms: 80 },
];

/**
 * A recorded gateway behind a switch: `down()` ends every open stream and fails every request as
 * an unreachable host does (`TypeError: Failed to fetch`); `up()` lets them through again.
 */
function switchableGateway() {
  const gateway = new RecordedGateway({ ...demoRecording(), pace: 'instant' });
  const open = new Set<AbortController>();
  let isDown = false;
  const fetch: FetchLike = (input, init) => {
    if (isDown) return Promise.reject(new TypeError('Failed to fetch'));
    const abort = new AbortController();
    open.add(abort);
    init?.signal?.addEventListener('abort', () => abort.abort(init.signal?.reason));
    return gateway.fetch(input, { ...init, signal: abort.signal });
  };
  return {
    gateway,
    fetch,
    down() {
      isDown = true;
      for (const abort of open) abort.abort(new TypeError('network error'));
      open.clear();
    },
    up() {
      isDown = false;
    },
  };
}

const closers: Array<() => void> = [];
afterEach(() => {
  cleanup();
  for (const close of closers.splice(0)) close();
});

describe('PluginInspector and JobControls across a lost connection', () => {
  it('[CONTRACT 8] errors from while the gateway was away go once the stream is open again (no Retry needed)', async () => {
    const net = switchableGateway();
    const token = recordedToken({ id: 'dana', roles: ['editor'], tenant: net.gateway.scope.tenant_id });
    const options = { baseUrl: net.gateway.baseUrl, token, scope: net.gateway.scope, fetch: net.fetch };
    const transport = new CanvasTransport({ ...options, tiers: FAST_TIERS, offlineAfter: 2, commandAttempts: 1 });
    const api = createHarnessApi(options);
    closers.push(
      () => transport.close(),
      () => net.gateway.close(),
    );
    const { container } = render(
      <EaselProvider transport={transport} api={api}>
        <JobControls />
        <PluginInspector />
      </EaselProvider>,
    );
    const inspector = () => container.querySelector('#plugin-inspector') as HTMLElement;
    await waitFor(() => expect(inspector().querySelectorAll('[data-plugin]')).toHaveLength(DEMO_PLUGINS.length));
    await waitFor(() => expect(transport.status).toBe('open'));

    // The gateway goes away; the person presses Refresh and Start job meanwhile.
    act(() => net.down());
    await waitFor(() => expect(transport.status).not.toBe('open'));
    fireEvent.click(within(inspector()).getByRole('button', { name: 'Refresh' }));
    await within(inspector()).findByText('Plugins could not be listed');
    const start = screen.getByTestId('job-start') as HTMLButtonElement;
    await waitFor(() => expect(start.disabled).toBe(false));
    fireEvent.click(start);
    expect((await screen.findByTestId('job-error')).textContent).toContain('(network)');

    // Back: the stream opens, and the list and the job controls say so without a Retry.
    act(() => net.up());
    await waitFor(() => expect(transport.status).toBe('open'), { timeout: 5_000 });
    await waitFor(() => expect(inspector().querySelectorAll('[data-plugin]')).toHaveLength(DEMO_PLUGINS.length));
    expect(within(inspector()).queryByText('Plugins could not be listed')).toBeNull();
    expect(screen.queryByTestId('job-error')).toBeNull();
  });
});
