import { type CommandEmitter, Icon } from '@easel/harness';
import { type CSSProperties, type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { deleteNoteOps, editNoteOps, MAX_NOTE_TEXT, moveNoteOps } from './boardOps.ts';
import type { BoardNote } from './projectBoard.ts';
import { type BoardFocusKey, isBoardFocusKey } from './useBoardFocus.ts';

/** A note longer than this (characters, or lines) shows its first {@link CLAMP_LINES} lines until expanded. */
export const LONG_NOTE_CHARS = 280;
const LONG_NOTE_LINES = 6;

/** Lines a long note shows while folded. */
export const CLAMP_LINES = 5;

const CLAMPED: CSSProperties = {
  display: '-webkit-box',
  WebkitBoxOrient: 'vertical',
  WebkitLineClamp: CLAMP_LINES,
  overflow: 'hidden',
};

/** Whether a note's text is long enough to fold (one long note must not fill the column). */
export function isLongNote(text: string): boolean {
  return text.length > LONG_NOTE_CHARS || text.split('\n', LONG_NOTE_LINES + 1).length > LONG_NOTE_LINES;
}

/**
 * One note: its text, and (unless read-only) edit, move-to-column and delete controls.
 *
 * Keyboard: the card itself (the `<li>`) is focusable and takes part in the board's roving tabindex
 * (`useBoardFocus`): only its column's current note is a Tab stop, arrow keys, Home and End (pressed
 * on the card) move focus to other cards, Enter or F2 opens the editor (Escape in it cancels, and
 * saving or cancelling puts focus back on the card). The card's own buttons and select are reached
 * with Tab from the focused card; in the other cards they are out of the Tab order
 * (`tabIndex={-1}`), so a column of 100 notes costs one Tab stop plus the controls of one note.
 */
export function BoardNoteCard(props: {
  note: BoardNote;
  columns: { id: string; title: string }[];
  /** The `order` that puts a note at the end of a column. */
  endOrder: (columnId: string) => number;
  emit: CommandEmitter;
  readOnly: boolean;
  /** Index in a windowed column (`data-index`). */
  position?: number;
  /** Whether the card is its column's Tab stop (its controls are Tab stops only then). Default true. */
  tabStop?: boolean;
  /** Focus the card once rendered (the board moved focus to it with a key). */
  focusRequested?: boolean;
  /** The card or one of its controls took focus. */
  onFocusCard?: () => void;
  /** A focus-moving key was pressed on the card itself. */
  onMoveFocus?: (key: BoardFocusKey) => void;
}) {
  const { note, emit, readOnly, tabStop = true, focusRequested = false } = props;
  const card = useRef<HTMLLIElement>(null);
  const [editing, setEditing] = useState(false);
  // After the editor closes, focus goes back to the card (the editor's controls are gone).
  const refocus = useRef(false);
  const inner = tabStop ? undefined : -1;
  useEffect(() => {
    if (focusRequested && card.current !== null && card.current.ownerDocument.activeElement !== card.current) {
      card.current.focus();
    }
  }, [focusRequested]);
  useEffect(() => {
    if (editing || !refocus.current) return;
    refocus.current = false;
    card.current?.focus();
  }, [editing]);

  function closeEditor() {
    refocus.current = true;
    setEditing(false);
  }

  function onKeyDown(event: KeyboardEvent<HTMLLIElement>) {
    if (event.target !== event.currentTarget || event.altKey || event.ctrlKey || event.metaKey) return;
    if (isBoardFocusKey(event.key)) {
      event.preventDefault();
      props.onMoveFocus?.(event.key);
    } else if ((event.key === 'Enter' || event.key === 'F2') && !readOnly && !editing) {
      event.preventDefault();
      setDraft(note.text);
      setEditing(true);
    }
  }
  const [draft, setDraft] = useState(note.text);
  const [expanded, setExpanded] = useState(false);
  const textId = useId();
  const long = isLongNote(note.text);
  const label = note.text === '' ? `note ${note.id}` : note.text.slice(0, 60);

  /**
   * Deletes the note; when the press had focus on its Delete button, focus then goes to the next
   * note (else the previous one, else the board's "New note" field) instead of falling to the page.
   */
  async function deleteKeepingFocus(button: HTMLButtonElement) {
    const next = focusAfterDelete(button);
    const result = await emit.ops(deleteNoteOps(note.id));
    const active = button.ownerDocument.activeElement;
    if (result.ok && (active === button || active === null || active === button.ownerDocument.body)) next?.focus();
  }

  function save(event: FormEvent) {
    event.preventDefault();
    closeEditor();
    if (draft !== note.text) void emit.ops(editNoteOps(note, draft));
  }

  return (
    <li
      ref={card}
      className="easel-board-note"
      tabIndex={tabStop ? 0 : -1}
      onFocus={props.onFocusCard}
      onKeyDown={onKeyDown}
      data-testid={`note-${note.id}`}
      data-index={props.position}
      style={note.color === null ? undefined : { borderLeft: `4px solid ${note.color}` }}
    >
      {editing && !readOnly ? (
        <form onSubmit={save}>
          <label>
            Note text
            <textarea
              value={draft}
              maxLength={MAX_NOTE_TEXT}
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={(e) => {
                if (e.key !== 'Escape') return;
                e.preventDefault();
                e.stopPropagation();
                closeEditor();
              }}
              // biome-ignore lint/a11y/noAutofocus: focus moves to the editor the user just opened
              autoFocus
            />
          </label>
          <button type="submit">Save</button>
          <button type="button" onClick={closeEditor}>
            Cancel
          </button>
        </form>
      ) : (
        <>
          <p
            id={textId}
            className="easel-board-note-text"
            data-folded={long && !expanded ? 'true' : undefined}
            style={long && !expanded ? CLAMPED : undefined}
          >
            {note.text === '' ? <em>(empty)</em> : note.text}
          </p>
          {long ? (
            <button
              type="button"
              tabIndex={inner}
              className="easel-board-note-more"
              aria-expanded={expanded}
              aria-controls={textId}
              data-testid={`fold-note-${note.id}`}
              onClick={() => setExpanded((v) => !v)}
            >
              {expanded ? 'Show less' : `Show all (${note.text.length} characters)`}
            </button>
          ) : null}
        </>
      )}
      {readOnly || editing ? null : (
        <div className="easel-board-note-actions">
          <button
            type="button"
            tabIndex={inner}
            aria-label={`Edit ${label}`}
            title="Edit"
            onClick={() => {
              setDraft(note.text);
              setEditing(true);
            }}
          >
            <Icon name="edit" />
          </button>
          <label>
            <span className="easel-board-note-move-label">Move to</span>
            <select
              tabIndex={inner}
              aria-label={`Move ${label} to column`}
              value={props.columns.some((c) => c.id === note.column) ? note.column : ''}
              onChange={(e) => {
                if (e.target.value === '' || e.target.value === note.column) return;
                void emit.ops(moveNoteOps(note, e.target.value, props.endOrder(e.target.value)));
              }}
            >
              {props.columns.some((c) => c.id === note.column) ? null : <option value="">(none)</option>}
              {props.columns.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.title}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            tabIndex={inner}
            aria-label={`Delete ${label}`}
            title="Delete"
            onClick={(event) => void deleteKeepingFocus(event.currentTarget)}
          >
            <Icon name="close" />
          </button>
        </div>
      )}
    </li>
  );
}

/** Where focus goes after the note holding `button` is deleted (see `deleteKeepingFocus`). */
function focusAfterDelete(button: HTMLElement): HTMLElement | null {
  const card = button.closest('.easel-board-note');
  const cards = [...(card?.parentElement?.children ?? [])].filter((el) => el.classList.contains('easel-board-note'));
  const at = card === null ? -1 : cards.indexOf(card);
  const neighbour = cards[at + 1] ?? cards[at - 1];
  return (
    neighbour?.querySelector<HTMLElement>('button') ??
    button.closest('.easel-board')?.querySelector<HTMLElement>('.easel-board-add input') ??
    null
  );
}
