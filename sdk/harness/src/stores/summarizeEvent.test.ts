import { describe, expect, it } from 'vitest';
import { summarizeEvent } from './summarizeEvent.ts';

describe('summarizeEvent', () => {
  it('says what the snapshot frames mean, not their protocol names', () => {
    expect(summarizeEvent('CANVAS_READY', { revision: 4 })).toBe('canvas ready at revision 4');
    expect(summarizeEvent('CANVAS_READY', { revision: 4, reset: true })).toBe('canvas ready at revision 4 (reset)');
    expect(summarizeEvent('CANVAS_READY_UPDATE', { canvas_id: 'c', revision: 4, update: 'AAAA' })).toBe(
      'collaborative document loaded at revision 4',
    );
  });

  it('[CONTRACT 6] does not call the document editable: every role gets the frame, a viewer too', () => {
    expect(summarizeEvent('CANVAS_READY_UPDATE', { canvas_id: 'c', revision: 0, update: 'AAAA' })).not.toMatch(
      /editable/,
    );
  });

  it('shortens long values and names the edited roots', () => {
    expect(summarizeEvent('token_patch', { op: 'set', token_id: 'plan.title', value: 'x'.repeat(100) })).toBe(
      `set plan.title = ${'x'.repeat(39)}…`,
    );
    expect(summarizeEvent('state_patch', { roots: ['notes', 'columns'], revision: 7 })).toBe(
      'edited notes, columns → r7',
    );
  });
});
