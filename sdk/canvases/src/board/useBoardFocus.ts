import { useCallback, useMemo, useState } from 'react';

/** Keys that move focus between note cards. */
export const BOARD_FOCUS_KEYS = ['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End'] as const;
export type BoardFocusKey = (typeof BOARD_FOCUS_KEYS)[number];

/** A note by position: its column's id (`''` for Unsorted) and its index in that column. */
export interface BoardNoteAt {
  readonly column: string;
  readonly index: number;
}

/** The board's roving focus (see {@link useBoardFocus}). */
export interface BoardFocus {
  /** Index of the note that is `column`'s one Tab stop (clamped to the column). */
  stop(column: string): number;
  /** The note to focus once it is rendered (a windowed column renders it after scrolling), else null. */
  readonly request: BoardNoteAt | null;
  /** A note took focus (key, click, Tab): it becomes its column's Tab stop; a request for it is done. */
  focused(at: BoardNoteAt): void;
  /** Moves focus for `key` pressed on the note at `from`. */
  move(from: BoardNoteAt, key: BoardFocusKey): void;
}

/** Whether `key` is one of {@link BOARD_FOCUS_KEYS}. */
export function isBoardFocusKey(key: string): key is BoardFocusKey {
  return (BOARD_FOCUS_KEYS as readonly string[]).includes(key);
}

/**
 * Roving tabindex over the board's note cards: each column is one Tab stop (the note last focused
 * in it, else its first); Up/Down move within a column, Home/End to its first/last note, Left/Right
 * to the nearest non-empty column on that side at the same index (or its last note when shorter).
 * `columns` are the shown columns in order, with their note counts.
 */
export function useBoardFocus(columns: readonly { id: string; count: number }[]): BoardFocus {
  const [stops, setStops] = useState<Readonly<Record<string, number>>>({});
  const [request, setRequest] = useState<BoardNoteAt | null>(null);
  const counts = useMemo(() => new Map(columns.map((c) => [c.id, c.count])), [columns]);

  const stop = useCallback(
    (column: string) => Math.max(0, Math.min(stops[column] ?? 0, (counts.get(column) ?? 0) - 1)),
    [stops, counts],
  );

  const focused = useCallback((at: BoardNoteAt) => {
    setStops((s) => (s[at.column] === at.index ? s : { ...s, [at.column]: at.index }));
    setRequest((r) => (r !== null && r.column === at.column && r.index === at.index ? null : r));
  }, []);

  const move = useCallback(
    (from: BoardNoteAt, key: BoardFocusKey) => {
      const target = moveTarget(columns, from, key);
      if (target === null || (target.column === from.column && target.index === from.index)) return;
      setStops((s) => ({ ...s, [target.column]: target.index }));
      setRequest(target);
    },
    [columns],
  );

  return { stop, request, focused, move };
}

/** Where `key` pressed on the note at `from` moves focus; null when there is nowhere to go. */
export function moveTarget(
  columns: readonly { id: string; count: number }[],
  from: BoardNoteAt,
  key: BoardFocusKey,
): BoardNoteAt | null {
  const at = columns.findIndex((c) => c.id === from.column);
  const count = columns[at]?.count ?? 0;
  if (at < 0 || count === 0) return null;
  switch (key) {
    case 'ArrowUp':
      return { column: from.column, index: Math.max(0, from.index - 1) };
    case 'ArrowDown':
      return { column: from.column, index: Math.min(count - 1, from.index + 1) };
    case 'Home':
      return { column: from.column, index: 0 };
    case 'End':
      return { column: from.column, index: count - 1 };
    case 'ArrowLeft':
    case 'ArrowRight': {
      const step = key === 'ArrowLeft' ? -1 : 1;
      for (let i = at + step; i >= 0 && i < columns.length; i += step) {
        const next = columns[i]!;
        if (next.count > 0) return { column: next.id, index: Math.min(from.index, next.count - 1) };
      }
      return null;
    }
  }
}
