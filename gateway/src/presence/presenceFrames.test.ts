import fc from 'fast-check';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { HOCUSPOCUS_MESSAGE, readAwarenessBody, readFrameHead, writeAwarenessFrame } from './presenceFrames.ts';

const entry = fc.record({
  clientId: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  clock: fc.integer({ min: 0, max: 2 ** 31 }),
  state: fc.oneof(fc.constant('null'), fc.json()),
});

describe('presence frames', () => {
  it('[CONTRACT 7] awareness frames round-trip (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 80 }), fc.array(entry, { maxLength: 20 }), (doc, entries) => {
        const frame = writeAwarenessFrame(doc, entries);
        const head = readFrameHead(frame);
        expect(head).toMatchObject({ document: doc, type: HOCUSPOCUS_MESSAGE.awareness });
        expect(readAwarenessBody(frame, head!.bodyOffset)).toEqual(entries);
      }),
    );
  });

  it('[CONTRACT 7] reads what y-protocols writes', () => {
    const awareness = new Awareness(new Y.Doc());
    awareness.setLocalState({ actor: { id: 'a' }, cursor: { x: 1, y: 2 } });
    const e = encoding.createEncoder();
    encoding.writeVarString(e, 'acme/p1/c1');
    encoding.writeVarUint(e, HOCUSPOCUS_MESSAGE.awareness);
    encoding.writeVarUint8Array(e, encodeAwarenessUpdate(awareness, [awareness.clientID]));
    const frame = encoding.toUint8Array(e);
    const head = readFrameHead(frame)!;
    const [only] = readAwarenessBody(frame, head.bodyOffset)!;
    expect(only?.clientId).toBe(awareness.clientID);
    expect(JSON.parse(only!.state)).toEqual({ actor: { id: 'a' }, cursor: { x: 1, y: 2 } });
    awareness.destroy();
  });

  it('[CONTRACT 7] junk is null, never a throw (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(50), (bytes, offset) => {
        const head = readFrameHead(bytes);
        if (head !== null) expect(typeof head.document).toBe('string');
        const body = readAwarenessBody(bytes, offset);
        expect(body === null || Array.isArray(body)).toBe(true);
      }),
    );
  });

  it('refuses trailing bytes and absurd entry counts', () => {
    const frame = writeAwarenessFrame('d', [{ clientId: 1, clock: 1, state: 'null' }]);
    const head = readFrameHead(frame)!;
    expect(readAwarenessBody(new Uint8Array([...frame, 0]), head.bodyOffset)).toBeNull();
    const e = encoding.createEncoder();
    encoding.writeVarString(e, 'd');
    encoding.writeVarUint(e, 1);
    const update = encoding.createEncoder();
    encoding.writeVarUint(update, 100_000);
    encoding.writeVarUint8Array(e, encoding.toUint8Array(update));
    const huge = encoding.toUint8Array(e);
    expect(readAwarenessBody(huge, readFrameHead(huge)!.bodyOffset)).toBeNull();
    expect(readFrameHead(new Uint8Array([0]))).toBeNull(); // empty document name
  });
});
