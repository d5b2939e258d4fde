import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import type { FrameSink } from './FrameSink.ts';
import { countMarkers, MARKER_BYTES } from './FrameSink.ts';
import type { Reader } from './sseReader.ts';

/** Hocuspocus message types (`@hocuspocus/server` MessageType) and y-protocols sync steps. */
const MESSAGE_SYNC = 0;
const MESSAGE_AUTH = 2;
const AUTH_TOKEN = 0;
const SYNC_STEP_1 = 0;
const SYNC_STEP_2 = 1;
/** An empty Yjs state vector and an empty Yjs update, as encoded by Yjs. */
const EMPTY_STATE_VECTOR = new Uint8Array([0]);
const EMPTY_UPDATE = new Uint8Array([0, 0]);

function message(document: string, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, document);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/** Sequence numbers of every marker in a binary message (the marker is UTF-8 inside the Yjs string). */
function forEachSeq(data: Buffer, onSeq: (seq: number) => void): void {
  let at = data.indexOf(MARKER_BYTES);
  while (at !== -1) {
    let seq = 0;
    let i = at + MARKER_BYTES.length;
    for (; i < data.length && data[i]! >= 48 && data[i]! <= 57; i++) seq = seq * 10 + (data[i]! - 48);
    onSeq(seq);
    at = data.indexOf(MARKER_BYTES, i);
  }
}

/**
 * A lightweight y-protocols client (no Y.Doc, not HocuspocusProvider): sends Hocuspocus's auth
 * message and SyncStep1 with an empty state vector, answers the server's SyncStep1 with an empty
 * SyncStep2, resolves once the server's SyncStep2 arrives, then counts marked updates (or parses
 * their sequence numbers when the sink tracks latency).
 */
export function openYjsReader(url: string, document: string, sink: FrameSink, timeoutMs: number): Promise<Reader> {
  return new Promise((resolve, reject) => {
    let synced = false;
    let closing = false;
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const timer = setTimeout(() => {
      if (!synced) {
        ws.terminate();
        reject(new Error(`WS ${url}: not synced within ${timeoutMs} ms`));
      }
    }, timeoutMs);
    ws.on('open', () => {
      ws.send(
        message(document, (e) => {
          encoding.writeVarUint(e, MESSAGE_AUTH);
          encoding.writeVarUint(e, AUTH_TOKEN);
          encoding.writeVarString(e, 'bench');
        }),
      );
      ws.send(
        message(document, (e) => {
          encoding.writeVarUint(e, MESSAGE_SYNC);
          encoding.writeVarUint(e, SYNC_STEP_1);
          encoding.writeVarUint8Array(e, EMPTY_STATE_VECTOR);
        }),
      );
    });
    ws.on('message', (data: Buffer) => {
      if (synced) {
        const onSeq = sink.onSeq;
        if (onSeq !== null) forEachSeq(data, onSeq);
        else sink.frames += countMarkers(data);
        return;
      }
      const decoder = decoding.createDecoder(data);
      decoding.readVarString(decoder);
      const type = decoding.readVarUint(decoder);
      if (type !== MESSAGE_SYNC) return;
      const step = decoding.readVarUint(decoder);
      if (step === SYNC_STEP_1) {
        ws.send(
          message(document, (e) => {
            encoding.writeVarUint(e, MESSAGE_SYNC);
            encoding.writeVarUint(e, SYNC_STEP_2);
            encoding.writeVarUint8Array(e, EMPTY_UPDATE);
          }),
        );
      } else if (step === SYNC_STEP_2) {
        synced = true;
        clearTimeout(timer);
        resolve({
          close() {
            closing = true;
            ws.terminate();
          },
        });
      }
    });
    ws.on('close', () => {
      if (synced && !closing) sink.readersLost += 1;
      if (!synced) {
        clearTimeout(timer);
        reject(new Error(`WS ${url}: closed before sync`));
      }
    });
    ws.on('error', (error) => {
      if (!synced) {
        clearTimeout(timer);
        reject(error);
      }
    });
  });
}
