// @vitest-environment happy-dom
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderCartridge } from '../testing/renderCartridge.tsx';
import { docCanvas } from './docCartridge.ts';

afterEach(cleanup);

const COUNT = 400;
const seed = Array.from({ length: COUNT }, (_, i) => ({
  op: 'insert' as const,
  root: 'blocks',
  value: { id: `b${i}`, kind: 'paragraph', text: `Block ${i}` },
}));

const list = () => screen.getByTestId('block-b0').parentElement as HTMLOListElement;

function scrollTo(top: number) {
  const el = screen.getByRole('region', { name: 'Blocks' }).querySelector('ol')!;
  act(() => {
    el.scrollTop = top;
    fireEvent.scroll(el);
  });
}

describe('doc cartridge, long block lists', () => {
  it('renders only a window of a long list, with spacers for the rest and the full count', () => {
    renderCartridge(docCanvas, { seed });
    const rendered = document.getElementsByClassName('easel-doc-block').length;
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(200);
    expect(screen.queryByTestId(`block-b${COUNT - 1}`)).toBeNull();
    expect(list().getAttribute('data-windowed')).toBe('true');
    expect(screen.getByRole('region', { name: 'Blocks' }).getAttribute('data-block-count')).toBe(String(COUNT));
    const gap = list().querySelector('.easel-window-gap') as HTMLElement;
    expect(gap.getAttribute('aria-hidden')).toBe('true');
    expect(Number.parseFloat(gap.style.height)).toBeGreaterThan(0);
  });

  it('scrolling renders the rows in view (same test ids) and editing one still emits a Y.Text edit', () => {
    const { emitter } = renderCartridge(docCanvas, { seed });
    scrollTo(40 * 300);
    const block = screen.getByTestId('block-b305');
    expect(block.getAttribute('data-index')).toBe('305');
    expect(screen.queryByTestId('block-b100')).toBeNull();
    fireEvent.focus(screen.getByTestId('block-text-b305'));
    fireEvent.change(screen.getByTestId('block-text-b305'), { target: { value: 'Block 305 edited' } });
    expect(emitter.callsOf('edit')).toHaveLength(1);
    expect((screen.getByTestId('block-text-b305') as HTMLTextAreaElement).value).toBe('Block 305 edited');
  });

  it('keeps the focused block rendered when it scrolls out of view', () => {
    renderCartridge(docCanvas, { seed });
    act(() => screen.getByTestId('block-text-b3').focus());
    const input = screen.getByTestId('block-text-b3') as HTMLTextAreaElement;
    expect(input.tagName).toBe('TEXTAREA');
    scrollTo(40 * 250);
    expect(screen.getByTestId('block-b255')).toBeTruthy();
    expect(screen.getByTestId('block-text-b3')).toBe(input);
    expect(document.activeElement).toBe(input);
  });
});
