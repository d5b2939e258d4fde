// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderCartridge } from '../testing/renderCartridge.tsx';
import { runConsoleCanvas } from './runConsoleCartridge.ts';
import type { StartRun } from './RunStarter.tsx';

afterEach(cleanup);

function start(goal: string) {
  fireEvent.change(screen.getByTestId('run-goal'), { target: { value: goal } });
  fireEvent.click(screen.getByTestId('run-start'));
}

describe('run console: starting a run', () => {
  it('[CONTRACT 10] a started run is recorded in runs (running, with its goal) and followed', async () => {
    const goals: string[] = [];
    const startRun: StartRun = async (goal) => {
      goals.push(goal);
      return { ok: true, runId: 'run-7' };
    };
    const { emitter } = renderCartridge(runConsoleCanvas, { extra: { startRun } });
    start('  count the shapes  ');
    await waitFor(() => expect(emitter.callsOf('setToken')).toHaveLength(1));
    expect(goals).toEqual(['count the shapes']);
    const [insert] = emitter.allOps();
    expect(insert).toMatchObject({
      op: 'insert',
      root: 'runs',
      key: 'run-7',
      value: { goal: 'count the shapes', status: 'running' },
    });
    expect(emitter.callsOf('setToken')[0]).toMatchObject({ tokenId: 'console.run_id', value: 'run-7' });
    expect(await screen.findByTestId('run-run-7')).toBeTruthy();
    expect((screen.getByTestId('run-goal') as HTMLInputElement).value).toBe('');
  });

  it('"Start run" without a goal is off and says why (focusable, described by the reason); a press starts nothing', () => {
    const goals: string[] = [];
    const startRun: StartRun = async (goal) => {
      goals.push(goal);
      return { ok: true, runId: 'run-1' };
    };
    renderCartridge(runConsoleCanvas, { extra: { startRun } });
    const button = screen.getByRole('button', { name: 'Start run' }) as HTMLButtonElement;
    expect(button.disabled).toBe(false);
    expect(button.getAttribute('aria-disabled')).toBe('true');
    const reason = screen.getByTestId('run-start-reason');
    expect(reason.textContent).toBe('Write a goal first.');
    expect(button.getAttribute('aria-describedby')).toBe(reason.id);
    start('   ');
    expect(goals).toEqual([]);
    expect(reason.parentElement?.hasAttribute('data-shown')).toBe(true);
    fireEvent.change(screen.getByTestId('run-goal'), { target: { value: 'count the shapes' } });
    expect(button.getAttribute('aria-disabled')).toBeNull();
    expect(button.hasAttribute('aria-describedby')).toBe(false);
    expect(screen.queryByTestId('run-start-reason')).toBeNull();
  });

  it('[CONTRACT 10] a refused start shows the reason and records nothing', async () => {
    const startRun: StartRun = async () => ({ ok: false, code: 'forbidden', message: 'your roles may not start runs' });
    const { emitter } = renderCartridge(runConsoleCanvas, { extra: { startRun } });
    start('do it');
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Could not start the run: your roles may not start runs (forbidden)',
    );
    expect(emitter.allOps()).toEqual([]);
    expect(emitter.callsOf('setToken')).toEqual([]);
  });

  it('offers no start when read-only or when the host gives no startRun', () => {
    renderCartridge(runConsoleCanvas, { readOnly: true, extra: { startRun: async () => ({ ok: true, runId: 'x' }) } });
    expect(screen.queryByTestId('run-start')).toBeNull();
    cleanup();
    renderCartridge(runConsoleCanvas, {});
    expect(screen.queryByTestId('run-start')).toBeNull();
  });
});
