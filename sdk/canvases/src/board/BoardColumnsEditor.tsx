import type { CommandEmitter } from '@easel/harness';
import { type FormEvent, useId, useState } from 'react';
import {
  addColumn,
  BOARD_COLUMNS_TOKEN,
  type ColumnsChange,
  columnsTokenValue,
  removeColumn,
  renameColumn,
} from './boardColumnsOps.ts';
import { MAX_COLUMN_LABEL } from './projectBoard.ts';

/** Whether the viewer may change `board.columns` (the host reads it from the lens). */
export interface BoardColumnsAccess {
  /** May the viewer send `token.set` for `board.columns`? */
  canWrite: boolean;
  /** Why not, in words (e.g. "your role (planner) may not change board.columns"). */
  reason?: string | null;
}

/** A column as the editor shows it: how many notes it holds decides whether it can be removed. */
export interface EditableColumn {
  id: string;
  title: string;
  noteCount: number;
}

export interface BoardColumnsEditorProps {
  columns: readonly EditableColumn[];
  emit: CommandEmitter;
}

/**
 * "Columns": add a column, rename one, remove an empty one. Each change sends the whole list as one
 * `token.set` of `board.columns` (ids stay, so notes keep their column); a refusal shows the
 * gateway's reason here. Folded behind a toggle (`board-columns-toggle`) until opened.
 */
export function BoardColumnsEditor({ columns, emit }: BoardColumnsEditorProps) {
  const panelId = useId();
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const specs = columns.map((c) => ({ id: c.id, title: c.title }));

  async function send(change: ColumnsChange): Promise<boolean> {
    if (!change.ok) {
      setError(change.error);
      return false;
    }
    setBusy(true);
    const sent = await emit.setToken(BOARD_COLUMNS_TOKEN, columnsTokenValue(change.value));
    setBusy(false);
    setError(sent.ok ? null : sent.message);
    return sent.ok;
  }

  async function add(event: FormEvent) {
    event.preventDefault();
    if (await send(addColumn(specs, draft))) setDraft('');
  }

  return (
    <div className="easel-board-columns-edit">
      <button
        type="button"
        data-testid="board-columns-toggle"
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => setOpen(!open)}
      >
        Columns
      </button>
      {open ? (
        <fieldset
          id={panelId}
          aria-label="Columns"
          className="easel-board-columns-editor"
          data-testid="board-columns-editor"
        >
          <ul>
            {columns.map((column) => (
              <ColumnRow
                // A new title from the stream resets the row's draft.
                key={`${column.id}\u0000${column.title}`}
                column={column}
                onlyOne={columns.length <= 1}
                busy={busy}
                onRename={(title) => send(renameColumn(specs, column.id, title))}
                onRemove={() => send(removeColumn(specs, column.id))}
              />
            ))}
          </ul>
          <form className="easel-board-column-add" aria-label="Add a column" onSubmit={(e) => void add(e)}>
            <input
              type="text"
              aria-label="New column title"
              data-testid="new-column"
              placeholder="New column"
              maxLength={MAX_COLUMN_LABEL}
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
            />
            <button type="submit" data-testid="add-column" disabled={busy || draft.trim() === ''}>
              Add column
            </button>
          </form>
          {error === null ? null : (
            <p className="easel-canvas-rejected" role="alert" data-testid="columns-error">
              {error}
            </p>
          )}
        </fieldset>
      ) : null}
    </div>
  );
}

function ColumnRow(props: {
  column: EditableColumn;
  onlyOne: boolean;
  busy: boolean;
  onRename: (title: string) => Promise<boolean>;
  onRemove: () => Promise<boolean>;
}) {
  const { column } = props;
  const [title, setTitle] = useState(column.title);
  const unchanged = title.trim() === column.title || title.trim() === '';
  const keep =
    column.noteCount > 0
      ? `Holds ${column.noteCount} ${column.noteCount === 1 ? 'note' : 'notes'}: move or delete them first`
      : props.onlyOne
        ? 'A board keeps at least one column'
        : null;
  return (
    <li data-testid={`column-edit-${column.id}`}>
      <form
        aria-label={`Column ${column.title}`}
        onSubmit={(e) => {
          e.preventDefault();
          if (!unchanged) void props.onRename(title);
        }}
      >
        <input
          type="text"
          aria-label={`Title of column ${column.title}`}
          data-testid={`column-title-${column.id}`}
          maxLength={MAX_COLUMN_LABEL}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
        />
        <button type="submit" data-testid={`rename-column-${column.id}`} disabled={props.busy || unchanged}>
          Rename
        </button>
        <button
          type="button"
          data-testid={`remove-column-${column.id}`}
          aria-label={`Remove column ${column.title}`}
          title={keep ?? undefined}
          disabled={props.busy || keep !== null}
          onClick={() => void props.onRemove()}
        >
          Remove
        </button>
        {keep === null ? null : <span className="easel-board-column-keep">{keep}</span>}
      </form>
    </li>
  );
}
