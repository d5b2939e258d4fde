import type { CanvasProps } from '@easel/harness';
import { type FormEvent, useId, useState } from 'react';
import { newId } from '../lib/newId.ts';
import { ReadOnlyBadge } from '../lib/ReadOnlyBadge.tsx';
import { RejectedNotice } from '../lib/RejectedNotice.tsx';
import { WindowedList } from '../lib/WindowedList.tsx';
import { addNoteOps, MAX_NOTE_TEXT, nextOrder } from './boardOps.ts';
import { type BoardColumnsAccess, BoardColumnsEditor } from './BoardColumnsEditor.tsx';
import { BoardNoteCard } from './BoardNoteCard.tsx';
import type { BoardProjection } from './projectBoard.ts';

/** The board's props: CanvasProps and what the host knows of the viewer's token rights. */
export interface BoardCanvasProps extends CanvasProps<BoardProjection> {
  /**
   * Whether the viewer may change `board.columns` (from the lens). Absent: the columns editor shows
   * whenever the board is writable, and the gateway's refusal, if any, shows in it.
   */
  columnsAccess?: BoardColumnsAccess;
}

/**
 * The board: columns of notes; every change is a `state.ops` command on the `notes` map. Its
 * "Columns" editor changes the `board.columns` token (shown only to a viewer who may write it, and
 * not when the `layout` state lists the columns, which win over the token).
 */
export function BoardCanvas({ projection, emit, readOnly, rejected, columnsAccess }: BoardCanvasProps) {
  const headingId = useId();
  const { columns, unsorted } = projection;
  const columnOptions = columns.map((c) => ({ id: c.id, title: c.title }));
  const [draft, setDraft] = useState('');
  const [target, setTarget] = useState('');
  const targetColumn = columns.find((c) => c.id === target) ?? columns[0];
  const endOrder = (columnId: string) => nextOrder(columns.find((c) => c.id === columnId));

  function addNote(event: FormEvent) {
    event.preventDefault();
    if (readOnly || targetColumn === undefined) return;
    const text = draft.trim() === '' ? 'New note' : draft.trim();
    void emit.ops(addNoteOps(newId('note'), text, targetColumn.id, nextOrder(targetColumn)));
    setDraft('');
  }

  return (
    <section
      className="easel-board"
      aria-labelledby={headingId}
      data-dense={projection.dense ? 'true' : undefined}
      style={{ color: projection.textColor, borderTop: `4px solid ${projection.accent}` }}
    >
      <header className="easel-board-header">
        <h2 id={headingId}>{projection.title === '' ? 'Board' : projection.title}</h2>
        <span className="easel-board-status">{projection.status}</span>{' '}
        <span className="easel-board-count">
          {projection.noteCount} {projection.noteCount === 1 ? 'note' : 'notes'}
        </span>
        <ReadOnlyBadge readOnly={readOnly} />
      </header>
      <RejectedNotice rejected={rejected} />
      {readOnly ? null : (
        <form className="easel-board-add" onSubmit={addNote} aria-label="Add a note">
          <label>
            New note
            <input
              type="text"
              value={draft}
              maxLength={MAX_NOTE_TEXT}
              placeholder="What needs doing?"
              onChange={(e) => setDraft(e.target.value)}
            />
          </label>
          <label>
            Column
            <select value={targetColumn?.id ?? ''} onChange={(e) => setTarget(e.target.value)}>
              {columnOptions.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.title}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" data-testid="add-note">
            Add note
          </button>
        </form>
      )}
      {readOnly || projection.columnsSource === 'layout' || columnsAccess?.canWrite === false ? null : (
        <BoardColumnsEditor
          columns={columns.map((c) => ({ id: c.id, title: c.title, noteCount: c.notes.length }))}
          emit={emit}
        />
      )}
      <div className="easel-board-columns">
        {columns.map((column) => (
          <BoardColumnView
            key={column.id}
            id={column.id}
            title={column.title}
            notes={column.notes}
            columns={columnOptions}
            endOrder={endOrder}
            emit={emit}
            readOnly={readOnly}
          />
        ))}
        {unsorted.length > 0 ? (
          <BoardColumnView
            id=""
            title="Unsorted"
            notes={unsorted}
            columns={columnOptions}
            endOrder={endOrder}
            emit={emit}
            readOnly={readOnly}
          />
        ) : null}
      </div>
    </section>
  );
}

function BoardColumnView(props: {
  id: string;
  title: string;
  notes: BoardProjection['unsorted'];
  columns: { id: string; title: string }[];
  endOrder: (columnId: string) => number;
  emit: CanvasProps<BoardProjection>['emit'];
  readOnly: boolean;
}) {
  const headingId = useId();
  return (
    <section
      className="easel-board-column"
      aria-labelledby={headingId}
      data-testid={props.id === '' ? 'board-unsorted' : `column-${props.id}`}
    >
      <h3 id={headingId}>
        {props.title} <span className="easel-board-column-count">({props.notes.length})</span>
      </h3>
      {props.notes.length === 0 ? (
        <p className="easel-board-empty">No notes</p>
      ) : (
        <WindowedList
          as="ul"
          count={props.notes.length}
          estimateRowHeight={48}
          maxHeight="80vh"
          renderRow={(index) => (
            <BoardNoteCard
              key={props.notes[index]!.id}
              note={props.notes[index]!}
              columns={props.columns}
              endOrder={props.endOrder}
              emit={props.emit}
              readOnly={props.readOnly}
              position={index}
            />
          )}
        />
      )}
    </section>
  );
}
