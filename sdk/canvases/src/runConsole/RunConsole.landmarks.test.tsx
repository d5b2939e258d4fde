// @vitest-environment happy-dom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderCartridge } from '../testing/renderCartridge.tsx';
import { runConsoleCanvas } from './runConsoleCartridge.ts';

afterEach(cleanup);

const seed = [
  {
    op: 'insert' as const,
    root: 'runs',
    key: 'r1',
    value: { goal: 'Tidy the board', status: 'done', started_at: '2024-03-01T10:00:00Z' },
  },
];

/** The accessible names of the page's regions (`<section>` with a name), in document order. */
const regionNames = () => screen.getAllByRole('region').map((el) => el.getAttribute('aria-labelledby'));

describe('run-console landmarks (axe landmark-unique: no two regions of one name)', () => {
  it('the console inside the canvas is named by its own heading (the run), not again "Run console"', () => {
    renderCartridge(runConsoleCanvas, {
      seed,
      extra: { run: { runId: 'r1', events: [], status: 'live' } },
    });
    const canvas = screen.getByRole('region', { name: 'Run console' });
    const consoleRegion = screen.getByRole('region', { name: 'Run r1' });
    expect(canvas.contains(consoleRegion)).toBe(true);
    expect(consoleRegion.dataset.testid).toBe('run-console');
    expect(screen.getAllByRole('region', { name: 'Run console' })).toHaveLength(1);
    // Each region names itself by its own heading.
    for (const id of regionNames()) expect(id && document.getElementById(id)?.tagName).toMatch(/^H\d$/);
  });

  it('with no run followed it is the console of no run, still apart from the canvas', () => {
    renderCartridge(runConsoleCanvas, { seed });
    expect(screen.getByRole('region', { name: 'No run selected' }).dataset.testid).toBe('run-console');
    expect(screen.getAllByRole('region', { name: 'Run console' })).toHaveLength(1);
  });
});
