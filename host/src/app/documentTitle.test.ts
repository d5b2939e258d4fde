import { describe, expect, it } from 'vitest';
import { documentTitle, withConnectionNote } from './documentTitle.ts';

describe('[ISSUE 7] the host’s document title names the flow and the actor', () => {
  it('the picker, a flow as an actor, a flow as a named user, an unknown flow', () => {
    expect(documentTitle({ kind: 'picker' })).toBe('Choose a flow · Easel');
    expect(documentTitle({ kind: 'flow', flowTitle: 'Launch studio', actor: 'director', user: null })).toBe(
      'Launch studio — Dana (director) · Easel',
    );
    expect(documentTitle({ kind: 'flow', flowTitle: 'Plan and write', actor: 'planner', user: 'sam' })).toBe(
      'Plan and write — sam (planner) · Easel',
    );
    expect(documentTitle({ kind: 'unknown-flow', flow: 'nope' })).toBe('Unknown flow “nope” · Easel');
  });

  it('a connection that is not live goes first', () => {
    expect(withConnectionNote('Offline', 'Launch studio — Dana (director) · Easel')).toBe(
      'Offline · Launch studio — Dana (director) · Easel',
    );
    expect(withConnectionNote('Reconnecting…', 'X · Easel')).toBe('Reconnecting · X · Easel');
  });
});
