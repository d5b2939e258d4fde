// @vitest-environment happy-dom
import type { RunEvent } from '@easel/schemas';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderCartridge } from '../testing/renderCartridge.tsx';
import { RunConsole, type RunFeed } from './RunConsole.tsx';
import { runConsoleCanvas } from './runConsoleCartridge.ts';

afterEach(cleanup);

const events: RunEvent[] = [
  { run_id: 'r1', kind: 'thought', text: 'Check the board first', step: 0 },
  {
    run_id: 'r1',
    kind: 'tool',
    call_id: 'c1',
    tool: 'canvas.read',
    phase: 'call',
    input: { canvas: 'board' },
    step: 0,
  },
  {
    run_id: 'r1',
    kind: 'tool',
    call_id: 'c1',
    tool: 'canvas.read',
    phase: 'result',
    ok: true,
    output: { notes: 3 },
    ms: 12,
    step: 0,
  },
  { run_id: 'r1', kind: 'tool', call_id: 'c2', tool: 'render', phase: 'call', step: 1 },
  { run_id: 'r1', kind: 'tool', call_id: 'c2', tool: 'render', phase: 'result', ok: false, error: 'timeout', step: 1 },
  { run_id: 'r1', kind: 'token', text: 'Added ', step: 1 },
  { run_id: 'r1', kind: 'token', text: 'two notes.', step: 1 },
  { run_id: 'r1', kind: 'verdict', verdict: 'fail', reason: 'render failed', scores: { coverage: 0.5 } },
];

const feed: RunFeed = { runId: 'r1', events, status: 'ended' };

describe('RunConsole', () => {
  it('[CONTRACT 10] renders output, thoughts, tool calls with results, and the verdict', () => {
    render(<RunConsole run={feed} />);
    expect(screen.getByText('Added two notes.')).toBeTruthy();
    expect(screen.getByText('Check the board first')).toBeTruthy();
    expect(screen.getByTestId('run-tool-c1').getAttribute('data-state')).toBe('ok');
    expect(screen.getByTestId('run-tool-c1').textContent).toContain('{"notes":3}');
    expect(screen.getByTestId('run-tool-c2').getAttribute('data-state')).toBe('failed');
    expect(screen.getByTestId('run-tool-c2').textContent).toContain('timeout');
    const verdict = screen.getByTestId('run-verdict');
    expect(verdict.getAttribute('data-verdict')).toBe('fail');
    expect(verdict.getAttribute('role')).toBe('alert');
    // The run-state class a stylesheet colours a failed run by (host canvases.css: `-failed`).
    expect(verdict.classList.contains('easel-run-verdict-failed')).toBe(true);
    expect(verdict.classList.contains('easel-run-verdict-fail')).toBe(true);
    expect(verdict.textContent).toContain('render failed');
    expect(verdict.textContent).toContain('coverage 0.5');
    expect(screen.getByText('2 tool calls, 1 failed')).toBeTruthy();
    expect(screen.getByTestId('run-status').textContent).toBe('Ended');
  });

  it('shows a running tool call, hidden thoughts and turns with their commit outcome', () => {
    render(
      <RunConsole
        run={{ runId: 'r2', events: [events[0]!, events[1]!], status: 'live' }}
        showThoughts={false}
        turns={[
          {
            turnId: 't1',
            prompt: 'Plan the week',
            status: 'committed',
            output: 'Done',
            commit: { ok: true, revision: 7 },
          },
          {
            turnId: 't2',
            prompt: 'Delete all',
            status: 'failed',
            output: '',
            commit: { ok: false, code: 'forbidden', message: 'not allowed' },
          },
        ]}
      />,
    );
    expect(screen.getByTestId('run-tool-c1').getAttribute('data-state')).toBe('running');
    expect(screen.queryByText('Check the board first')).toBeNull();
    expect(screen.getByTestId('console-turn-t1').textContent).toContain('Committed at revision 7');
    expect(screen.getByTestId('console-turn-t2').textContent).toContain('Commit failed (forbidden): not allowed');
  });

  it('says when no run is selected', () => {
    render(<RunConsole run={null} />);
    expect(screen.getByRole('heading', { name: 'No run selected' })).toBeTruthy();
  });
});

describe('run-console cartridge', () => {
  const seed = [
    {
      op: 'insert' as const,
      root: 'runs',
      key: 'r1',
      value: { goal: 'Tidy the board', status: 'done', started_at: '2024-03-01T10:00:00Z' },
    },
    {
      op: 'insert' as const,
      root: 'runs',
      key: 'r0',
      value: { goal: 'First try', status: 'done', started_at: '2024-02-01T10:00:00Z' },
    },
  ];

  it('lists recorded runs and shows the feed of the followed run', () => {
    renderCartridge(runConsoleCanvas, { seed, extra: { run: feed } });
    expect(screen.getByTestId('run-r1').getAttribute('aria-current')).toBe('true');
    expect(screen.getByTestId('run-verdict')).toBeTruthy();
    expect(screen.queryByRole('note')).toBeNull();
  });

  it('selecting a run sets the console.run_id token; a feed for another run is not shown', async () => {
    const { emitter } = renderCartridge(runConsoleCanvas, { seed, extra: { run: feed } });
    fireEvent.click(screen.getByRole('button', { name: 'First try' }));
    expect(emitter.callsOf('setToken')).toEqual([{ kind: 'setToken', tokenId: 'console.run_id', value: 'r0' }]);
    expect((await screen.findByRole('note')).textContent).toContain('run r0');
    expect(screen.queryByTestId('run-verdict')).toBeNull();
  });

  it('readOnly lists runs without buttons; rejected shows its reason', () => {
    renderCartridge(runConsoleCanvas, {
      seed,
      readOnly: true,
      rejected: { code: 'forbidden', message: 'token console.run_id is not yours' },
    });
    expect(screen.queryAllByRole('button')).toHaveLength(0);
    expect(screen.getByTestId('run-r0').textContent).toContain('First try');
    expect(screen.getByTestId('canvas-rejected').textContent).toContain('token console.run_id is not yours');
  });
});
