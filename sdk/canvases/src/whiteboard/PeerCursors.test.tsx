// @vitest-environment happy-dom
import type { PeerState } from '@easel/harness';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { PeerCursors } from './PeerCursors.tsx';

afterEach(cleanup);

function peer(id: string, color: string, kind: 'human' | 'agent' = 'human'): PeerState {
  return {
    clientId: id.length,
    actor: { id, kind, name: id.toUpperCase(), color },
    cursor: { x: 10, y: 20 },
    selection: null,
    self: false,
  };
}

function label(id: string): { rect: SVGRectElement; text: SVGTextElement } {
  const cursor = screen.getByTestId(`wb-cursor-${id}`);
  return { rect: cursor.querySelector('rect')!, text: cursor.querySelector('text')! };
}

describe('PeerCursors (WCAG 1.4.3: a peer name readable on any actor colour)', () => {
  it('draws the name on a label of the actor colour, dark text on a light colour and white on a dark one', () => {
    render(
      <svg>
        <title>Whiteboard</title>
        <PeerCursors peers={[peer('lime', '#bdbd28'), peer('navy', '#1a237e', 'agent')]} pxPerUnit={1} />
      </svg>,
    );
    const lime = label('lime');
    expect(lime.rect.getAttribute('fill')).toBe('#bdbd28');
    expect(lime.text.getAttribute('fill')).toBe('#000000');
    expect(lime.text.textContent).toBe('LIME');
    const navy = label('navy');
    expect(navy.rect.getAttribute('fill')).toBe('#1a237e');
    expect(navy.text.getAttribute('fill')).toBe('#ffffff');
    expect(navy.text.textContent).toBe('NAVY (agent)');
  });

  it('the label is at least as wide as its text and lies under it', () => {
    render(
      <svg>
        <title>Whiteboard</title>
        <PeerCursors peers={[peer('a-rather-long-name', '#ffeb3b')]} pxPerUnit={2} />
      </svg>,
    );
    const { rect, text } = label('a-rather-long-name');
    const x = Number(rect.getAttribute('x'));
    const y = Number(rect.getAttribute('y'));
    const width = Number(rect.getAttribute('width'));
    const height = Number(rect.getAttribute('height'));
    expect(Number(text.getAttribute('x'))).toBeGreaterThan(x);
    expect(Number(text.getAttribute('y'))).toBeGreaterThan(y);
    expect(Number(text.getAttribute('y'))).toBeLessThan(y + height);
    // No layout here: the width is the estimate (0.6 em a character), about the name's width.
    expect(width).toBeGreaterThanOrEqual('A-RATHER-LONG-NAME'.length * 12 * 0.5);
  });
});
