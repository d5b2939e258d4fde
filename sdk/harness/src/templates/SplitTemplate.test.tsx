// @vitest-environment happy-dom
import type { JsonValue } from '@easel/schemas';
import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { type CanvasProps, defineCanvas } from '../cartridge/defineCanvas.ts';
import { createRecordedSession, type RecordedSession } from '../testing/createRecordedSession.ts';
import { DEMO_BOARD_MANIFEST, DEMO_WHITEBOARD_MANIFEST } from '../testing/fixtures.ts';
import { canvasReady, RECORDED_SCOPE } from '../testing/recordedEvent.ts';
import { cleanupRecorded, renderRecorded } from '../testing/renderRecorded.tsx';
import { SplitTemplate } from './SplitTemplate.tsx';

const sessions: RecordedSession[] = [];
afterEach(() => {
  cleanupRecorded();
  for (const s of sessions.splice(0)) s.close();
});

function Names({ projection }: CanvasProps<string[]>) {
  return <p data-testid="names">{projection.join(',')}</p>;
}
const keysOf = (root: string) => (state: Record<string, JsonValue>) =>
  Object.keys((state[root] as object) ?? {}).sort();
const board = defineCanvas({ manifest: DEMO_BOARD_MANIFEST, project: keysOf('notes'), Component: Names });
const whiteboard = defineCanvas({ manifest: DEMO_WHITEBOARD_MANIFEST, project: keysOf('shapes'), Component: Names });

describe('SplitTemplate landmarks (WCAG 1.3.1, axe landmark-one-main)', () => {
  it('both panes (and the note when there is one canvas) are inside the one <main>', async () => {
    const primary = createRecordedSession({
      canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST, state: { notes: { a: {} } } })],
      pace: 'instant',
    });
    const sketchScope = { ...RECORDED_SCOPE, canvas_id: 'sketch-1' };
    const sketch = createRecordedSession({
      scope: sketchScope,
      pace: 'instant',
      canvas: [canvasReady({ manifest: DEMO_WHITEBOARD_MANIFEST, scope: sketchScope, state: { shapes: { s1: {} } } })],
    });
    sessions.push(sketch);
    const canvases = [
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
