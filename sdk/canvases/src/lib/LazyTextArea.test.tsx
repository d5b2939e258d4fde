// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { LazyTextArea } from './LazyTextArea.tsx';
import type { TextSplice } from './textDiff.ts';

afterEach(cleanup);

function setup(value = 'Hello world') {
  const splices: [TextSplice, string][] = [];
  const view = render(
    <LazyTextArea
      data-testid="t"
      aria-label="Text of block 1"
      className="kind"
      value={value}
      onSplice={(splice, after) => splices.push([splice, after])}
    />,
  );
  return { splices, view };
}

describe('LazyTextArea', () => {
  it('an empty box shows its placeholder (muted, not text), as the text area does once opened', () => {
    render(
      <LazyTextArea data-testid="t" aria-label="Text" placeholder="Empty paragraph" value="" onSplice={() => {}} />,
    );
    const box = screen.getByTestId('t');
    expect(box.getAttribute('aria-placeholder')).toBe('Empty paragraph');
    const shown = box.querySelector('.easel-lazy-placeholder');
    expect(shown?.textContent).toBe('Empty paragraph');
    expect(shown?.getAttribute('aria-hidden')).toBe('true');
    act(() => box.focus());
    const area = screen.getByTestId('t') as HTMLTextAreaElement;
    expect(area.tagName).toBe('TEXTAREA');
    expect(area.value).toBe('');
    expect(area.placeholder).toBe('Empty paragraph');
  });

  it('a box with text shows no placeholder', () => {
    render(
      <LazyTextArea data-testid="t" aria-label="Text" placeholder="Empty paragraph" value="Hi" onSplice={() => {}} />,
    );
    const box = screen.getByTestId('t');
    expect(box.textContent).toBe('Hi');
    expect(box.getAttribute('aria-placeholder')).toBeNull();
  });

  it('shows its text as a focusable text box, with no <textarea> until it is opened', () => {
    setup();
    const box = screen.getByTestId('t');
    expect(box.tagName).toBe('DIV');
    expect(box.getAttribute('role')).toBe('textbox');
    expect(box.getAttribute('aria-label')).toBe('Text of block 1');
    expect(box.getAttribute('tabindex')).toBe('0');
    expect(box.className).toBe('easel-lazy-text kind');
    expect(box.textContent).toBe('Hello world');
    expect(document.querySelector('textarea')).toBeNull();
    // No size of its own (an inline one outranked the stylesheet that sizes it like the text area).
    expect(box.style.minHeight).toBe('');
  });

  it('holds the lines its text area would show: one when empty (still pressable), one after a final line break', () => {
    const { view } = setup('');
    const box = screen.getByTestId('t');
    expect(box.textContent).toBe('');
    expect(box.querySelectorAll('br')).toHaveLength(1);
    view.rerender(<LazyTextArea data-testid="t" value={'two\n'} onSplice={() => {}} />);
    expect(box.textContent).toBe('two\n');
    expect(box.querySelectorAll('br')).toHaveLength(1);
    view.rerender(<LazyTextArea data-testid="t" value="two" onSplice={() => {}} />);
    expect(box.querySelectorAll('br')).toHaveLength(0);
  });

  it('focus (Tab) opens it: a focused <textarea> with the caret at the end; typing is a splice', () => {
    const { splices } = setup();
    act(() => screen.getByTestId('t').focus());
    const area = screen.getByTestId('t') as HTMLTextAreaElement;
    expect(area.tagName).toBe('TEXTAREA');
    expect(document.activeElement).toBe(area);
    expect(area.value).toBe('Hello world');
    expect([area.selectionStart, area.selectionEnd]).toEqual([11, 11]);
    expect(area.getAttribute('aria-label')).toBe('Text of block 1');
    fireEvent.change(area, { target: { value: 'Hello brave world' } });
    expect(splices).toEqual([[{ index: 6, remove: 0, insert: 'brave ' }, 'Hello brave world']]);
  });

  it('a press then its focus opens it, and a new value from the projection shows before and after', () => {
    const { view } = setup('one');
    view.rerender(<LazyTextArea data-testid="t" value="two" onSplice={() => {}} />);
    expect(screen.getByTestId('t').textContent).toBe('two');
    // A press sets where the caret goes; the focus its default action brings opens it.
    fireEvent.pointerDown(screen.getByTestId('t'), { clientX: 1, clientY: 1 });
    expect(screen.getByTestId('t').tagName).toBe('DIV');
    act(() => screen.getByTestId('t').focus());
    const area = screen.getByTestId('t') as HTMLTextAreaElement;
    expect(area.tagName).toBe('TEXTAREA');
    expect(area.value).toBe('two');
    view.rerender(<LazyTextArea data-testid="t" value="three" onSplice={() => {}} />);
    expect((screen.getByTestId('t') as HTMLTextAreaElement).value).toBe('three');
  });
});
