import fc from 'fast-check';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { Document, IncomingMessage, MessageReceiver } from '@hocuspocus/server';
import {
  HOCUSPOCUS_MESSAGE,
  isAuthBody,
  isSyncBody,
  readAwarenessBody,
  readFrameHead,
  writeAwarenessFrame,
} from './presenceFrames.ts';

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

  it('[CONTRACT 7] a sync message it accepts is one Hocuspocus handles on a read-only connection without throwing (property)', () => {
    const document = new Document('d');
    const sent: Uint8Array[] = [];
    const connection = {
      readOnly: true,
      send: (m: Uint8Array) => sent.push(m),
      callbacks: { beforeSync: () => Promise.resolve() },
    };
    const syncFrame = (type: number, step: number, payload: Uint8Array, tail: Uint8Array) => {
      const e = encoding.createEncoder();
      encoding.writeVarString(e, 'd');
      encoding.writeVarUint(e, type);
      encoding.writeVarUint(e, step);
      encoding.writeVarUint8Array(e, payload);
      encoding.writeUint8Array(e, tail);
      return encoding.toUint8Array(e);
    };
    const edit = new Y.Doc();
    edit.getMap('m').set('k', 'v');
    const payload = fc.oneof(
      fc.uint8Array({ maxLength: 60 }),
      fc.constant(Y.encodeStateAsUpdate(edit)),
      fc.constant(Y.encodeStateVector(edit)),
    );
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(HOCUSPOCUS_MESSAGE.sync, HOCUSPOCUS_MESSAGE.syncReply),
        fc.nat(3),
        payload,
        fc.uint8Array({ maxLength: 2 }),
        (type, step, bytes, tail) => {
          const frame = syncFrame(type, step, bytes, tail);
          if (!isSyncBody(frame, readFrameHead(frame)!.bodyOffset)) return;
          accepted += 1;
          // As Hocuspocus's Connection.handleMessage does: the document name is read and echoed first.
          const message = new IncomingMessage(frame);
          message.writeVarString(message.readVarString());
          expect(() => new MessageReceiver(message).apply(document, connection as never)).not.toThrow();
        },
      ),
      { numRuns: 500 },
    );
    expect(accepted).toBeGreaterThan(0);
    for (const [step, bytes] of [
      [0, Y.encodeStateVector(edit)],
      [1, Y.encodeStateAsUpdate(edit)],
      [2, Y.encodeStateAsUpdate(edit)],
    ] as const) {
      const frame = syncFrame(HOCUSPOCUS_MESSAGE.sync, step, bytes, new Uint8Array(0));
      expect(isSyncBody(frame, readFrameHead(frame)!.bodyOffset)).toBe(true);
    }
    document.destroy();
  });

  it('[CONTRACT 7] an auth body is a token sub-type, a short token and nothing more', () => {
    const authFrame = (write: (e: encoding.Encoder) => void) => {
      const e = encoding.createEncoder();
      encoding.writeVarString(e, 'd');
      encoding.writeVarUint(e, HOCUSPOCUS_MESSAGE.auth);
      write(e);
      const frame = encoding.toUint8Array(e);
      return isAuthBody(frame, readFrameHead(frame)!.bodyOffset);
    };
    const token =
      (sub: number, text: string, extra = false) =>
      (e: encoding.Encoder) => {
        encoding.writeVarUint(e, sub);
        encoding.writeVarString(e, text);
        if (extra) encoding.writeVarUint(e, 1);
      };
    expect(authFrame(token(0, 'a'.repeat(32)))).toBe(true);
    expect(authFrame(token(1, 'a'.repeat(32)))).toBe(false);
    expect(authFrame(token(0, 'a'.repeat(32), true))).toBe(false);
    expect(authFrame(token(0, 'a'.repeat(2000)))).toBe(false);
    expect(authFrame(() => {})).toBe(false);
    expect(authFrame((e) => encoding.writeVarUint(e, 0))).toBe(false);
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
