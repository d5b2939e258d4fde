// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReasonButton } from './ReasonButton.tsx';

afterEach(cleanup);

describe('ReasonButton', () => {
  it('off with a reason: focusable, described by the reason, a press does nothing but show it', () => {
    const onClick = vi.fn();
    render(
      <ReasonButton reason="Your role may not send canvas.commit" reasonTestId="why" onClick={onClick}>
        Commit
      </ReasonButton>,
    );
    const button = screen.getByRole('button', { name: 'Commit' }) as HTMLButtonElement;
    expect(button.disabled).toBe(false);
    expect(button.getAttribute('aria-disabled')).toBe('true');
    button.focus();
    expect(document.activeElement).toBe(button);
    const why = screen.getByTestId('why');
    expect(button.getAttribute('aria-describedby')).toBe(why.id);
    expect(why.textContent).toBe('Your role may not send canvas.commit');
    expect(why.parentElement?.hasAttribute('data-shown')).toBe(false);
    fireEvent.click(button);
    expect(onClick).not.toHaveBeenCalled();
    expect(why.parentElement?.hasAttribute('data-shown')).toBe(true);
    fireEvent.blur(button);
    expect(why.parentElement?.hasAttribute('data-shown')).toBe(false);
  });

  it('busy: off without a reason (nothing to describe), and a press does nothing', () => {
    const onClick = vi.fn();
    render(
      <ReasonButton reason={null} busy onClick={onClick}>
        Send
      </ReasonButton>,
    );
    const button = screen.getByRole('button', { name: 'Send' });
    expect(button.getAttribute('aria-disabled')).toBe('true');
    expect(button.hasAttribute('aria-describedby')).toBe(false);
    fireEvent.click(button);
    expect(onClick).not.toHaveBeenCalled();
  });

  it('on: a press runs onClick; a reason shown elsewhere is pointed to, not repeated', () => {
    const onClick = vi.fn();
    const { rerender } = render(
      <ReasonButton reason={null} onClick={onClick}>
        Start
      </ReasonButton>,
    );
    const button = screen.getByRole('button', { name: 'Start' });
    expect(button.hasAttribute('aria-disabled')).toBe(false);
    fireEvent.click(button);
    expect(onClick).toHaveBeenCalledTimes(1);
    rerender(
      <>
        <ReasonButton reason="Your role may not run jobs." reasonShownAt="note" onClick={onClick}>
          Start
        </ReasonButton>
        <p id="note">Your role may not run jobs.</p>
      </>,
    );
    expect(button.getAttribute('aria-describedby')).toBe('note');
    expect(document.body.textContent?.match(/may not run jobs/g)).toHaveLength(1);
  });
});
