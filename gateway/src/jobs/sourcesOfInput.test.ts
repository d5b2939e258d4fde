import { describe, expect, it } from 'vitest';
import { sourcesOfInput } from './sourcesOfInput.ts';

const canvas = {
  kind: 'canvas',
  canvas_type: 'whiteboard',
  state: { shapes: {}, layers: [] },
  tokens: { 'style.fill': 1 },
};

describe('[CONTRACT 6] sourcesOfInput (a single plugin call)', () => {
  it('names the roots and tokens of canvas frames and media for image frames', () => {
    expect(sourcesOfInput({ frame: canvas, index: 0, params: { width: 10 } })).toEqual({
      roots: ['layers', 'shapes'],
      tokens: ['style.fill'],
      sidecars: false,
    });
    const image = { kind: 'image', mime: 'image/png', data_base64: 'AA==' };
    expect(sourcesOfInput({ frame: image, prior_frame: canvas, index: 1 })).toEqual({
      roots: ['layers', 'shapes'],
      tokens: ['style.fill'],
      sidecars: true,
    });
  });

  it('is null (provenance unknown) for anything else', () => {
    for (const input of [
      null,
      3,
      [],
      {},
      { index: 0 },
      { frame: canvas, previous: { x: 1 } },
      { frame: { kind: 'x' } },
    ]) {
      expect(sourcesOfInput(input)).toBeNull();
    }
  });
});
