import * as decoding from 'lib0/decoding';
import { describe, expect, it } from 'vitest';
import { awarenessFrame, authFrame, MSG, readFrame } from './awarenessFrames.ts';

describe('awareness frames', () => {
  it('reads back the client id and clock it wrote, skipping the state', () => {
    const frame = awarenessFrame('acme/p/c', 4_000_000_123, 99_999, JSON.stringify({ cursor: { x: 1, y: 2 } }));
    expect(readFrame(frame)).toEqual({ type: MSG.awareness, entries: [[4_000_000_123, 99_999]] });
  });

  it('writes the auth message Hocuspocus expects', () => {
    const d = decoding.createDecoder(authFrame('doc', 'tkt'));
    expect([
      decoding.readVarString(d),
      decoding.readVarUint(d),
      decoding.readVarUint(d),
      decoding.readVarString(d),
    ]).toEqual(['doc', MSG.auth, 0, 'tkt']);
  });
});
