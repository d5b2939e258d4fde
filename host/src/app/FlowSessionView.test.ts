// @vitest-environment happy-dom
import { type AnyCanvasCartridge, type CanvasProps, defineCanvas } from '@easel/harness';
import { canvasReady, DEMO_BOARD_MANIFEST, RecordedGateway, recordedToken } from '@easel/harness/testing';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createElement, StrictMode, useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTORS } from '../actors/actors.ts';
import type { HostFetch } from '../bootstrap/HostError.ts';
import { flowCanvasScope } from '../bootstrap/prepareFlow.ts';
import type { Flow } from '../flows/flowSchema.ts';
import type { HostLocation } from '../location/hostLocation.ts';
import { openFlowSession } from '../session/openFlowSession.ts';
import { FlowSessionView } from './FlowSessionView.tsx';

const FLOW: Flow = {
  name: 'first-load',
  template: 'studio',
  project_id: 'demo',
  canvases: [
    { canvas_id: 'first-board', canvas_type: 'board', title: 'Shown first' },
    { canvas_id: 'second-board', canvas_type: 'board', title: 'Behind a tab' },
  ],
  agent: { prompt: 'Add a note', canvas_id: 'first-board' },
};

function NoteCount(props: CanvasProps<number>) {
  return createElement('p', { 'data-testid': 'notes' }, `${props.projection} notes`);
}

interface Bench {
  readonly gateway: RecordedGateway;
  readonly fetch: HostFetch;
  /** What happened, in order: `stream <canvas>`, `realtime`, `render` (the canvas host's first render). */
  readonly log: string[];
  /** The abort signals of every stream request (canvas and realtime). */
  readonly signals: AbortSignal[];
  readonly cartridges: Readonly<Record<string, AnyCanvasCartridge>>;
}

let benches: RecordedGateway[] = [];
afterEach(() => {
  cleanup();
  for (const g of benches) g.close();
  benches = [];
});

/**
 * The in-memory recorded gateway behind the host's bootstrap: it streams the canvas, realtime,
 * lens and plugins; the two dev-mode routes it does not speak (minting a dev token, reading a
 * canvas) are answered here. Stream requests are logged in order with the canvas's first render.
 */
function bench(): Bench {
  const gateway = new RecordedGateway({
    scope: flowCanvasScope(FLOW, 'first-board'),
    canvas: [
      canvasReady({ manifest: DEMO_BOARD_MANIFEST, scope: flowCanvasScope(FLOW, 'first-board'), state: { notes: {} } }),
    ],
    pace: 'instant',
  });
  benches.push(gateway);
  const log: string[] = [];
  const signals: AbortSignal[] = [];
  const fetch: HostFetch = async (input, init) => {
    const { pathname } = new URL(input);
    const method = init?.method ?? 'GET';
    if (method === 'POST' && pathname === '/v1/dev/tokens') {
      const request = JSON.parse(String(init?.body)) as { sub: string; roles: string[] };
      const token = recordedToken({ id: request.sub, roles: request.roles, tenant: 'demo' });
      return Response.json({ token, claims: { exp: 4_102_444_800 } });
    }
    const stream = /^\/v1\/canvases\/([^/]+)\/events$/.exec(pathname);
    if (stream) log.push(`stream ${decodeURIComponent(stream[1]!)}`);
    if (pathname === '/v1/realtime') log.push('realtime');
    if ((stream || pathname === '/v1/realtime') && init?.signal) signals.push(init.signal);
    if (method === 'GET' && /^\/v1\/canvases\/[^/]+$/.test(pathname)) return Response.json({});
    return gateway.fetch(input, init);
  };
  // The board cartridge, noting the canvas host's first render (`project` runs in every render).
  const board = defineCanvas({
    manifest: DEMO_BOARD_MANIFEST,
    project: (state) => {
      if (!log.includes('render')) log.push('render');
      return Object.keys((state.notes as object | undefined) ?? {}).length;
    },
    Component: NoteCount,
  });
  return { gateway, fetch, log, signals, cartridges: { board } };
}

function view(b: Bench, canvas: string | null = null) {
  const location: HostLocation = { actor: 'director', flow: FLOW.name, canvas, user: null };
  return createElement(FlowSessionView, {
    baseUrl: b.gateway.baseUrl,
    flow: FLOW,
    flows: [FLOW],
    location,
    actor: 'director',
    navigate: () => {},
    cartridges: b.cartridges,
    fetch: b.fetch,
  });
}

describe('the host opens the shown canvas streams with the session (issue 7)', () => {
  it('[CONTRACT 4] the snapshot request is in flight before React first renders the canvas', async () => {
    const b = bench();
    render(view(b));
    await waitFor(() => expect(screen.getByTestId('notes').textContent).toBe('0 notes'));
    const rendered = b.log.indexOf('render');
    expect(rendered).toBeGreaterThan(-1);
    expect(b.log.indexOf('stream first-board')).toBeGreaterThan(-1);
    expect(b.log.indexOf('stream first-board')).toBeLessThan(rendered);
    expect(b.log.indexOf('realtime')).toBeLessThan(rendered);
    // A canvas behind a tab is not mounted: its stream waits (one HTTP/1.1 connection each).
    expect(b.log).not.toContain('stream second-board');
    expect(b.log.filter((e) => e === 'stream first-board')).toHaveLength(1);
  });

  it('[CONTRACT 4] the canvas chosen in the URL is the one opened early', async () => {
    const b = bench();
    render(view(b, 'second-board'));
    await waitFor(() => expect(b.log).toContain('render'));
    const rendered = b.log.indexOf('render');
    // The agent's canvas (the outer provider's) and the chosen one.
    expect(b.log.indexOf('stream second-board')).toBeGreaterThan(-1);
    expect(b.log.indexOf('stream second-board')).toBeLessThan(rendered);
    expect(b.log.indexOf('stream first-board')).toBeLessThan(rendered);
  });

  it('[CONTRACT 4] StrictMode opens each stream once, and unmounting closes every stream', async () => {
    const b = bench();
    render(createElement(StrictMode, null, view(b)));
    await waitFor(() => expect(screen.getByTestId('notes').textContent).toBe('0 notes'));
    // StrictMode's first session was closed before it connected: one canvas stream, one timeline.
    expect(b.log.filter((e) => e.startsWith('stream'))).toEqual(['stream first-board']);
    expect(b.log.filter((e) => e === 'realtime')).toHaveLength(1);
    expect(b.signals.every((s) => !s.aborted)).toBe(true);
    cleanup();
    expect(b.signals).toHaveLength(2);
    expect(b.signals.every((s) => s.aborted)).toBe(true);
  });
});

describe('a closed session stays closed', () => {
  it('[CONTRACT 4] connect after close opens nothing', async () => {
    const b = bench();
    const opened = await openFlowSession({ baseUrl: b.gateway.baseUrl, flow: FLOW, actor: 'director', fetch: b.fetch });
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    expect(opened.value.sub).toBe(ACTORS.director.sub);
    opened.value.close();
    opened.value.connect();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(b.log.filter((e) => e.startsWith('stream') || e === 'realtime')).toEqual([]);
  });
});

/** The view with the host's navigation as React state (what `useHostLocation` does, without the address bar). */
function Routed(props: { bench: Bench; canvas: string | null }) {
  const [location, setLocation] = useState<HostLocation>({
    actor: 'director',
    flow: FLOW.name,
    canvas: props.canvas,
    user: null,
  });
  return createElement(FlowSessionView, {
    baseUrl: props.bench.gateway.baseUrl,
    flow: FLOW,
    flows: [FLOW],
    location,
    actor: 'director',
    navigate: (next: Partial<HostLocation>) => setLocation((current) => ({ ...current, ...next })),
    cartridges: props.bench.cartridges,
    fetch: props.bench.fetch,
  });
}

describe('a link naming a canvas the flow does not have (issue 7)', () => {
  it('opens the first canvas with a note naming the unknown canvas and the one opened; picking a canvas removes it', async () => {
    const b = bench();
    render(createElement(Routed, { bench: b, canvas: 'nope' }));
    await waitFor(() => expect(screen.getByTestId('notes').textContent).toBe('0 notes'));
    const note = screen.getByTestId('host-unknown-canvas-note');
    expect(note.getAttribute('role')).toBe('alert');
    expect(note.textContent).toContain('There is no canvas “nope” in this flow');
    expect(note.textContent).toContain('opened “Shown first” (first-board)');
    expect(screen.getByTestId('canvas-tab-first-board').getAttribute('aria-selected')).toBe('true');

    fireEvent.click(screen.getByTestId('canvas-tab-second-board'));
    await waitFor(() =>
      expect(screen.getByTestId('canvas-tab-second-board').getAttribute('aria-selected')).toBe('true'),
    );
    expect(screen.queryByTestId('host-unknown-canvas-note')).toBeNull();
  });

  it('the note can be dismissed; a known canvas or none shows no note', async () => {
    const b = bench();
    render(createElement(Routed, { bench: b, canvas: 'nope' }));
    await waitFor(() => expect(screen.getByTestId('notes').textContent).toBe('0 notes'));
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss the note about the unknown canvas' }));
    expect(screen.queryByTestId('host-unknown-canvas-note')).toBeNull();
    cleanup();

    for (const canvas of ['second-board', null]) {
      render(createElement(Routed, { bench: bench(), canvas }));
      await waitFor(() => expect(screen.getByTestId('notes').textContent).toBe('0 notes'));
      expect(screen.queryByTestId('host-unknown-canvas-note')).toBeNull();
      cleanup();
    }
  });
});
