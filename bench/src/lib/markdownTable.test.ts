import { describe, expect, it } from 'vitest';
import { markdownTable, spreadCell } from './markdownTable.ts';

describe('markdownTable', () => {
  it('renders a header, a separator and one line per row', () => {
    expect(markdownTable(['a', 'b'], [['1', '2']])).toBe('| a | b |\n|---|---|\n| 1 | 2 |');
  });
});

describe('spreadCell', () => {
  it('shows the median alone for one round and the range for more', () => {
    expect(spreadCell({ median: 1500, min: 1500, max: 1500, n: 1 })).toBe('**1.5k**');
    expect(spreadCell({ median: 2, min: 1.5, max: 2.25, n: 3 }, 1)).toBe('**2.0** (1.5–2.3)');
    expect(spreadCell({ median: 2, min: 1, max: 3, n: 2 }, (v) => `${v} ms`)).toBe('**2 ms** (1 ms–3 ms)');
  });
  it('shows a dash when there is no figure', () => {
    expect(spreadCell(null)).toBe('—');
    expect(spreadCell(undefined, 2)).toBe('—');
  });
});
