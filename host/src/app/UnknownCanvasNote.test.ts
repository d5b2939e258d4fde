import { describe, expect, it } from 'vitest';
import type { Flow } from '../flows/flowSchema.ts';
import { readHostLocation } from '../location/hostLocation.ts';
import { canvasParam, unknownCanvas } from './UnknownCanvasNote.tsx';

const FLOW: Flow = {
  name: 'demo',
  template: 'studio',
  project_id: 'demo',
  canvases: [
    { canvas_id: 'demo-board', canvas_type: 'board', title: 'Board' },
    { canvas_id: 'demo-media', canvas_type: 'media', title: 'Media' },
  ],
};

/** What `FlowView` asks about: the location's canvas, else the raw parameter. */
function requested(search: string): string | null {
  return readHostLocation(search).canvas ?? canvasParam(search);
}

describe('unknownCanvas: a link’s ?canvas= the flow does not have', () => {
  it('names the unknown id and the first canvas, which is opened instead', () => {
    expect(unknownCanvas(FLOW, requested('?actor=director&flow=demo&canvas=nope'))).toEqual({
      requested: 'nope',
      opened: { canvasId: 'demo-board', title: 'Board' },
    });
  });

  it('a malformed id (dropped by the location) is still noted, cut to 64 characters', () => {
    expect(unknownCanvas(FLOW, requested('?canvas=Not%20An%20Id'))?.requested).toBe('Not An Id');
    expect(unknownCanvas(FLOW, requested(`?canvas=${'X'.repeat(200)}`))?.requested).toHaveLength(64);
  });

  it('no note for a canvas of the flow, none asked, or an empty parameter', () => {
    expect(unknownCanvas(FLOW, requested('?canvas=demo-media'))).toBeNull();
    expect(unknownCanvas(FLOW, requested('?actor=director&flow=demo'))).toBeNull();
    expect(unknownCanvas(FLOW, requested('?canvas='))).toBeNull();
  });
});
