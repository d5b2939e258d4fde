import type { CommandEmitter } from '@easel/harness';
import { type FormEvent, useState } from 'react';
import { deleteNoteOps, editNoteOps, MAX_NOTE_TEXT, moveNoteOps } from './boardOps.ts';
import type { BoardNote } from './projectBoard.ts';

/** One note: its text, and (unless read-only) edit, move-to-column and delete controls. */
export function BoardNoteCard(props: {
  note: BoardNote;
  columns: { id: string; title: string }[];
  /** The `order` that puts a note at the end of a column. */
  endOrder: (columnId: string) => number;
  emit: CommandEmitter;
  readOnly: boolean;
  /** Index in a windowed column (`data-index`). */
  position?: number;
}) {
  const { note, emit, readOnly } = props;
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(note.text);
  const label = note.text === '' ? `note ${note.id}` : note.text.slice(0, 60);

  function save(event: FormEvent) {
    event.preventDefault();
    setEditing(false);
    if (draft !== note.text) void emit.ops(editNoteOps(note, draft));
  }

  return (
    <li
      className="easel-board-note"
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
              // biome-ignore lint/a11y/noAutofocus: focus moves to the editor the user just opened
              autoFocus
            />
          </label>
          <button type="submit">Save</button>
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <p className="easel-board-note-text">{note.text === '' ? <em>(empty)</em> : note.text}</p>
      )}
      {readOnly || editing ? null : (
        <div className="easel-board-note-actions">
          <button
            type="button"
            aria-label={`Edit ${label}`}
            title="Edit"
            onClick={() => {
              setDraft(note.text);
              setEditing(true);
            }}
          >
            <span aria-hidden="true">✎</span>
          </button>
          <label>
            <span className="easel-board-note-move-label">Move to</span>
            <select
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
            aria-label={`Delete ${label}`}
            title="Delete"
            onClick={() => void emit.ops(deleteNoteOps(note.id))}
          >
            <span aria-hidden="true">✕</span>
          </button>
        </div>
      )}
    </li>
  );
}
