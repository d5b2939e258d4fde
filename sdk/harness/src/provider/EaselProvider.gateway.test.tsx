// @vitest-environment happy-dom
// @vitest-environment-options {"settings": {"fetch": {"disableSameOriginPolicy": true}}}
// (The page and the gateway are different origins here; the host app serves both from one.)
import { CONTRACT_EXAMPLE_LENS_POLICY, type CanvasScope } from '@easel/schemas';
import { CanvasTransport } from '@easel/transport';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHarnessApi } from '../api/createHarnessApi.ts';
import { CanvasHost } from '../cartridge/CanvasHost.tsx';
import { type CanvasProps, defineCanvas } from '../cartridge/defineCanvas.ts';
import { usePresence } from '../hooks/usePresence.ts';
import { ChatRail } from '../surfaces/ChatRail.tsx';
import { JobControls } from '../surfaces/JobControls.tsx';
import { PluginInspector } from '../surfaces/PluginInspector.tsx';
import { ProgressBar } from '../surfaces/ProgressBar.tsx';
import { TokenPanel } from '../surfaces/TokenPanel.tsx';
import { TopPill } from '../surfaces/TopPill.tsx';
import { DEMO_BOARD_MANIFEST } from '../testing/fixtures.ts';
import { GatewayChild } from '../testing/node/GatewayChild.ts';
import { EaselProvider } from './EaselProvider.tsx';

const FAST_TIERS = [
  { name: 'immediate', ms: 100 },
  { name: 'quick', ms: 250 },
  { name: 'cap', ms: 500 },
];
const TENANT = 'harness';
const PROJECT = 'studio';

function LayoutMarker({ projection, emit }: CanvasProps<string>) {
  return (
    <div>
      <p data-testid="layout">{projection}</p>
      <button
        type="button"
        data-testid="mark"
        onClick={() => emit.edit((doc) => doc.getMap('layout').set('marked', true))}
      >
        mark
      </button>
    </div>
  );
}
const marker = defineCanvas({
  manifest: DEMO_BOARD_MANIFEST,
  project: (state) => JSON.stringify(state.layout ?? {}),
  Component: LayoutMarker,
});

function Mover() {
  const { setCursor } = usePresence();
  return (
    <button type="button" data-testid="move" onClick={() => setCursor(42, 24)}>
      move
    </button>
  );
}

let gateway: GatewayChild;
let scope: CanvasScope;
const transports: CanvasTransport[] = [];

function actor(sub: string, roles: string[]) {
  const token = gateway.token({ tenant: TENANT, sub, roles, name: sub });
  const transport = new CanvasTransport({ baseUrl: gateway.url, token, scope, tiers: FAST_TIERS });
  transports.push(transport);
  const api = createHarnessApi({ baseUrl: gateway.url, token, scope, transport });
  const wrap = (children: ReactNode) => (
    <EaselProvider transport={transport} api={api}>
      {children}
    </EaselProvider>
  );
  return { token, transport, api, wrap };
}

beforeAll(async () => {
  gateway = await GatewayChild.start();
  const admin = gateway.token({ tenant: TENANT, sub: 'root', roles: ['admin'] });
  const lens = await gateway.request('PUT', `/v1/projects/${PROJECT}/lens`, admin, CONTRACT_EXAMPLE_LENS_POLICY);
  expect(lens.status).toBe(200);
  scope = {
    tenant_id: TENANT,
    project_id: PROJECT,
    app_id: 'harness',
    surface_id: 'main',
    mode: 'edit',
    canvas_id: 'plan-1',
  };
  const creator = new CanvasTransport({ baseUrl: gateway.url, token: admin, scope });
  const created = await creator.createCanvas('board', 'Plan');
  creator.close();
  expect(created.ok).toBe(true);
}, 90_000);

afterEach(() => {
  cleanup();
  for (const t of transports.splice(0)) t.close();
});

afterAll(async () => {
  await gateway?.dispose();
});

describe('harness against a real gateway', () => {
  it('[CONTRACT 6] a planner never sees a director-only token; plan.* is editable and a write reaches the gateway', async () => {
    const planner = actor('pat', ['planner']);
    render(planner.wrap(<TokenPanel />));
    const title = (await screen.findByTestId('token-plan.title', {}, { timeout: 15_000 })) as HTMLInputElement;
    await waitFor(() => expect(title.disabled).toBe(false), { timeout: 10_000 });
    expect(screen.queryByTestId('token-style.accent')).toBeNull();
    expect(screen.queryByTestId('token-board.columns')).toBeNull();
    fireEvent.change(title, { target: { value: 'Launch plan' } });
    fireEvent.blur(title);
    await waitFor(() => expect(planner.transport.tokens['plan.title']).toBe('Launch plan'), { timeout: 10_000 });
    const director = await gateway.request(
      'GET',
      `/v1/canvases/plan-1?${new URLSearchParams({ tenant_id: TENANT, project_id: PROJECT, app_id: 'harness', surface_id: 'main', mode: 'edit' })}`,
      gateway.token({ tenant: TENANT, sub: 'dee', roles: ['director'] }),
    );
    expect((director.json as { tokens: Record<string, unknown> }).tokens['plan.title']).toBe('Launch plan');
  }, 60_000);

  it('[CONTRACT 6] a planner’s local edit of the layout root is refused, reverted and the reason shown', async () => {
    const planner = actor('pat', ['planner']);
    render(planner.wrap(<CanvasHost cartridge={marker} />));
    const layout = await screen.findByTestId('layout', {}, { timeout: 15_000 });
    expect(layout.textContent).toBe('{}');
    fireEvent.click(screen.getByTestId('mark'));
    const banner = await screen.findByTestId('rejected-edit', {}, { timeout: 10_000 });
    expect(banner.textContent).toContain('forbidden');
    await waitFor(() => expect(screen.getByTestId('layout').textContent).toBe('{}'));
    expect(planner.transport.doc.getMap('layout').has('marked')).toBe(false);
  }, 60_000);

  it('[CONTRACT 7] two collaborators see each other in presence, cursors included', async () => {
    const dee = actor('dee', ['director']);
    const pat = actor('pat', ['planner']);
    const deeView = render(
      dee.wrap(
        <>
          <TopPill />
          <Mover />
        </>,
      ),
    );
    const patView = render(pat.wrap(<TopPill />));
    await within(patView.container).findByTestId('presence-avatar-dee', {}, { timeout: 20_000 });
    await within(deeView.container).findByTestId('presence-avatar-pat', {}, { timeout: 20_000 });
    fireEvent.click(within(deeView.container).getByTestId('move'));
    await waitFor(
      () => {
        const peer = pat.transport.presence.peers().find((p) => p.state.actor.id === 'dee');
        expect(peer?.state.cursor).toMatchObject({ x: 42, y: 24 });
      },
      { timeout: 10_000 },
    );
  }, 60_000);

  it('[CONTRACT 9] a job started from JobControls moves #progress-bar and shows in #plugin-inspector', async () => {
    const dee = actor('dee', ['director']);
    const { container } = render(
      dee.wrap(
        <>
          <JobControls plugins={['canvas-stats']} />
          <ProgressBar />
          <PluginInspector />
        </>,
      ),
    );
    const toggle = (await screen.findByTestId('toggle-canvas-stats', {}, { timeout: 15_000 })) as HTMLInputElement;
    await waitFor(() => expect(toggle.checked).toBe(true));
    await waitFor(() => expect(container.querySelector('[data-plugin="canvas-stats"]')).not.toBeNull(), {
      timeout: 10_000,
    });
    fireEvent.click(screen.getByTestId('job-start'));
    const bar = container.querySelector('#progress-bar')!;
    await waitFor(() => expect(bar.getAttribute('aria-valuenow')).toBe('100'), { timeout: 30_000 });
    await waitFor(() => expect(screen.getByTestId('plugin-timing-canvas-stats').textContent).toMatch(/last job/), {
      timeout: 10_000,
    });
    // The job's calls are counted: the list is reloaded when the job ends.
    const counts = () => container.querySelector('[data-plugin="canvas-stats"] .ez-plugin__counts')?.textContent;
    await waitFor(() => expect(counts()).toMatch(/^[1-9]\d* ok · 0 failed/), { timeout: 10_000 });
  }, 60_000);

  it('[CONTRACT 5] ChatRail starts a turn with chat.send and shows it as the stream reports it', async () => {
    const dee = actor('dee', ['director']);
    render(dee.wrap(<ChatRail />));
    await waitFor(() => expect(dee.transport.status).toBe('open'), { timeout: 15_000 });
    fireEvent.change(screen.getByTestId('chat-input'), { target: { value: 'Add a note saying hello' } });
    fireEvent.click(screen.getByTestId('chat-send'));
    const turn = await screen.findByTestId(/^turn-/, {}, { timeout: 20_000 });
    expect(turn.textContent).toContain('Add a note saying hello');
    await waitFor(() => expect(within(turn).getByTestId('commit-outcome')).toBeTruthy(), { timeout: 30_000 });
  }, 60_000);

  it('[CONTRACT 5] a ChatRail opened after a conversation shows its earlier turns (GET /turns), then new ones live', async () => {
    const dee = actor('dee', ['director']);
    dee.transport.connect();
    const sent = await dee.transport.chat.send('Add a note saying earlier');
    expect(sent.ok).toBe(true);
    if (!sent.ok) return;
    const outcome = await sent.value.outcome;
    expect(outcome.status).toBe('committed');
    dee.transport.close();

    const later = actor('lee', ['director']);
    render(later.wrap(<ChatRail />));
    const earlier = await screen.findByText('Add a note saying earlier', {}, { timeout: 20_000 });
    const turn = earlier.closest('[data-testid^="turn-"]') as HTMLElement;
    expect(within(turn).getByTestId('commit-outcome').textContent).toMatch(/revision \d+/);
  }, 60_000);

  it('[CONTRACT 10] api.startRun starts a run through the transport; its stream reaches the verdict', async () => {
    const dee = actor('dee', ['director']);
    const started = await dee.api.startRun({
      goal: 'count the notes',
      tools: [{ plugin: 'canvas-stats', tool: 'stats' }],
      budget: { tokens: 20_000, time_ms: 30_000, width: 2, reflection: 0 },
    });
    if (!started.ok) throw new Error(`${started.error.code}: ${started.error.message}`);
    const statuses: string[] = [];
    const kinds: string[] = [];
    await new Promise<void>((resolve) => {
      const stop = dee.api.subscribeRun(started.value.runId, {
        onEvent: (event) => kinds.push(event.kind),
        onStatus: (status) => {
          statuses.push(status);
          if (status === 'ended' || status === 'error') {
            stop();
            resolve();
          }
        },
      });
    });
    expect(statuses.at(-1)).toBe('ended');
    expect(kinds.at(-1)).toBe('verdict');
    const viewer = actor('vee', ['viewer']);
    const refused = await viewer.api.startRun({
      goal: 'x',
      budget: { tokens: 10, time_ms: 10, width: 1, reflection: 0 },
    });
    expect(!refused.ok && refused.error.code).toBe('forbidden');
  }, 60_000);
});
