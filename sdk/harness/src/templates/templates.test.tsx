// @vitest-environment happy-dom
import type { JsonValue } from '@easel/schemas';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { LensCanvas } from '../cartridge/CanvasLens.tsx';
import { type CanvasProps, defineCanvas } from '../cartridge/defineCanvas.ts';
import { createRecordedSession, type RecordedSession } from '../testing/createRecordedSession.ts';
import { DEMO_BOARD_MANIFEST, DEMO_WHITEBOARD_MANIFEST, demoRecording } from '../testing/fixtures.ts';
import { canvasReady, RECORDED_SCOPE, recordedEvent } from '../testing/recordedEvent.ts';
import { cleanupRecorded, renderRecorded } from '../testing/renderRecorded.tsx';
import { ConsoleTemplate } from './ConsoleTemplate.tsx';
import { SplitTemplate } from './SplitTemplate.tsx';
import { StudioTemplate } from './StudioTemplate.tsx';

const extra: RecordedSession[] = [];
afterEach(() => {
  cleanupRecorded();
  for (const s of extra.splice(0)) s.close();
});

function Names({ projection }: CanvasProps<string[]>) {
  return <p data-testid="names">{projection.join(',')}</p>;
}
const keysOf = (root: string) => (state: Record<string, JsonValue>) =>
  Object.keys((state[root] as object) ?? {}).sort();
const board = defineCanvas({ manifest: DEMO_BOARD_MANIFEST, project: keysOf('notes'), Component: Names });
const whiteboard = defineCanvas({ manifest: DEMO_WHITEBOARD_MANIFEST, project: keysOf('shapes'), Component: Names });

const sketchScope = { ...RECORDED_SCOPE, canvas_id: 'sketch-1' };
const agent = { id: 'agent', kind: 'agent' as const };

function twoCanvases(primary: RecordedSession): LensCanvas[] {
  const sketch = createRecordedSession({
    scope: sketchScope,
    pace: 'instant',
    canvas: [canvasReady({ manifest: DEMO_WHITEBOARD_MANIFEST, scope: sketchScope, state: { shapes: { s1: {} } } })],
  });
  extra.push(sketch);
  return [
    {
      canvasId: RECORDED_SCOPE.canvas_id,
      title: 'Plan',
      cartridge: board,
      transport: primary.transport,
      presence: primary.presence,
    },
    {
      canvasId: 'sketch-1',
      title: 'Sketch',
      cartridge: whiteboard,
      transport: sketch.transport,
      presence: sketch.presence,
    },
  ];
}

describe('templates', () => {
  async function followedStudio() {
    const primary = createRecordedSession({
      ...demoRecording({
        canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST, state: { notes: { n1: {} } } })],
        realtime: [
          recordedEvent('turn_accepted', { turn_id: 't9', text: 'sketch it' }, { scope: sketchScope, actor: agent }),
        ],
      }),
      pace: 'instant',
    });
    renderRecorded(<StudioTemplate title="Studio" canvases={twoCanvases(primary)} />, primary);
    await waitFor(() => expect(tab('Sketch')).toBe('true'));
    await waitFor(() => expect(screen.getByTestId('names').textContent).toBe('s1'));
    expect(screen.getByText(/Following the agent’s turn/)).toBeTruthy();
    return () =>
      primary.gateway.push(
        recordedEvent('commit_succeeded', { turn_id: 't9', revision: 4 }, { scope: sketchScope, actor: agent }),
      );
  }
  const tab = (name: string) => screen.getByRole('tab', { name }).getAttribute('aria-selected');

  it('Studio follows the canvas an agent turn works on, then stays there until the user switches', async () => {
    const endTurn = await followedStudio();
    endTurn();
    await waitFor(() => expect(screen.queryByText(/Following the agent’s turn/)).toBeNull());
    expect(tab('Sketch')).toBe('true');
    fireEvent.click(screen.getByRole('tab', { name: 'Plan' }));
    await waitFor(() => expect(screen.getByTestId('names').textContent).toBe('n1'));
    expect(tab('Plan')).toBe('true');
  });

  it('Studio keeps following while the turn runs; a choice made meanwhile applies once it ends', async () => {
    const endTurn = await followedStudio();
    fireEvent.click(screen.getByRole('tab', { name: 'Plan' }));
    expect(tab('Sketch')).toBe('true');
    endTurn();
    await waitFor(() => expect(tab('Plan')).toBe('true'));
    await waitFor(() => expect(screen.getByTestId('names').textContent).toBe('n1'));
  });

  it('Studio shows the user’s choice when no agent works, with chat, tools, context and tokens', async () => {
    const recording = demoRecording({
      canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST, state: { notes: { n1: {}, n2: {} } } })],
    });
    const primary = createRecordedSession({ ...recording, pace: 'instant' });
    const { container } = renderRecorded(<StudioTemplate canvases={twoCanvases(primary)} />, primary);
    await waitFor(() => expect(screen.getByTestId('names').textContent).toBe('n1,n2'));
    expect(screen.getByRole('tab', { name: 'Plan' }).getAttribute('aria-selected')).toBe('true');
    expect(container.querySelector('[data-template="studio"]')).toBeTruthy();
    expect(screen.getByTestId('chat-input')).toBeTruthy();
    expect(await screen.findByRole('toolbar', { name: 'Board tools' })).toBeTruthy();
    expect(await screen.findByTestId('token-plan.title')).toBeTruthy();
    fireEvent.click(screen.getByRole('tab', { name: 'Sketch' }));
    await waitFor(() => expect(screen.getByTestId('names').textContent).toBe('s1'));
    expect(await screen.findByRole('toolbar', { name: 'Whiteboard tools' })).toBeTruthy();
  });

  it('Split shows two canvases side by side', async () => {
    const primary = createRecordedSession({
      canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST, state: { notes: { a: {} } } })],
      pace: 'instant',
    });
    const { container } = renderRecorded(<SplitTemplate canvases={twoCanvases(primary)} />, primary);
    await waitFor(() => expect(screen.getAllByTestId('names').map((n) => n.textContent)).toEqual(['a', 's1']));
    expect(container.querySelectorAll('.ez-split__pane')).toHaveLength(2);
  });

  it('Console top-bar tabs switch the canvas it shows', async () => {
    const primary = createRecordedSession({
      canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST, state: { notes: { a: {} } } })],
      pace: 'instant',
    });
    renderRecorded(<ConsoleTemplate canvases={twoCanvases(primary)} />, primary);
    await waitFor(() => expect(screen.getByTestId('names').textContent).toBe('a'));
    expect(tab('Plan')).toBe('true');
    fireEvent.click(screen.getByRole('tab', { name: 'Sketch' }));
    await waitFor(() => expect(screen.getByTestId('names').textContent).toBe('s1'));
    expect(tab('Sketch')).toBe('true');
  });

  it('Console shows job controls, progress, the live feed and the plugin inspector', async () => {
    const { container } = renderRecorded(<ConsoleTemplate title="Ops" />, demoRecording());
    expect(container.querySelector('[data-template="console"]')).toBeTruthy();
    expect(container.querySelector('#device-selector')).toBeTruthy();
    expect(container.querySelector('#fps-slider')).toBeTruthy();
    expect(container.querySelector('#progress-bar')).toBeTruthy();
    expect(container.querySelector('#plugin-inspector')).toBeTruthy();
    expect(await screen.findByTestId('toggle-thumbnail')).toBeTruthy();
    await waitFor(() => expect(screen.getAllByTestId('realtime-entry').length).toBeGreaterThan(0));
  });
});

describe('SplitTemplate landmarks (WCAG 1.3.1, axe landmark-one-main)', () => {
  it('both panes (and the note when there is one canvas) are inside the one <main>', async () => {
    const primary = createRecordedSession({
      canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST, state: { notes: { a: {} } } })],
      pace: 'instant',
    });
    const canvases = twoCanvases(primary);
    const { container, rerender } = renderRecorded(<SplitTemplate canvases={canvases} />, primary);
    await waitFor(() => expect(screen.getAllByTestId('names').map((n) => n.textContent)).toEqual(['a', 's1']));
    const main = screen.getByRole('main');
    expect(container.querySelectorAll('main')).toHaveLength(1);
    expect(within(main).getByRole('region', { name: 'Plan' })).toBeTruthy();
    expect(within(main).getByRole('region', { name: 'Sketch' })).toBeTruthy();
    rerender(<SplitTemplate canvases={canvases.slice(0, 1)} />);
    expect(within(screen.getByRole('main')).getByText('Split needs two canvases')).toBeTruthy();
  });
});
