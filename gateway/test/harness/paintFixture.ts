/**
 * The canvas the paint-first tests share (`?paint=state`, WIRE-NOTES "Paint first"): a lens policy
 * with a full `editor` and a `partial` role that reads only `notes`, and enough `notes` that the
 * gateway caches the snapshot's texts (≥ 64 KiB).
 */
export const PAINT_POLICY = {
  roles: {
    editor: {
      tokens: { read: ['*'], write: ['*'] },
      state: { read: ['*'], write: ['*'] },
      sidecars: { see: true, resolve: true },
      commands: ['*'],
    },
    partial: {
      tokens: { read: ['*'], write: [] },
      state: { read: ['notes'], write: [] },
      sidecars: { see: false, resolve: false },
      commands: [],
    },
  },
  default_role: 'partial',
};

/** `count` `state.ops` inserts of notes with quotes, a backslash and non-ASCII text (escaping is exercised). */
export function paintNotesOps(count: number): { op: 'insert'; root: 'notes'; key: string; value: object }[] {
  return Array.from({ length: count }, (_, i) => ({
    op: 'insert',
    root: 'notes',
    key: `n${i}`,
    value: { text: `note ${i} with "quotes", \\ and ünïcode — a line of text`, order: i },
  }));
}
