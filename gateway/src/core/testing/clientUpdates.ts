import * as Y from 'yjs';
import type { UpdateTarget } from '../canvas/authorizeUpdate.ts';

// Test support for the update authorization tests: what a client holding the server's state sends.

/** A client doc synced with the server doc. */
export function clientOf(target: UpdateTarget, opts: { gc?: boolean } = {}): Y.Doc {
  const doc = new Y.Doc(opts);
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(target.doc));
  return doc;
}

/** The update a client change (one transaction) produces relative to the server's state. */
export function clientDiff(target: UpdateTarget, client: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
  const sv = Y.encodeStateVector(target.doc);
  client.transact(() => change(client));
  return Y.encodeStateAsUpdate(client, sv);
}

/** An update with no structs and no deletes (what a transaction that changed nothing encodes). */
export function isEmptyUpdate(update: Uint8Array): boolean {
  const { structs, ds } = Y.decodeUpdate(update);
  return structs.length === 0 && [...ds.clients.values()].every((items) => items.every((d) => d.len === 0));
}
