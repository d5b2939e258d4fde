import type { CanvasProps } from '@easel/harness';
import { type FormEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import { newId } from '../lib/newId.ts';
import { ReadOnlyBadge } from '../lib/ReadOnlyBadge.tsx';
import { RejectedNotice } from '../lib/RejectedNotice.tsx';
import { WindowedList } from '../lib/WindowedList.tsx';
import { addNoteOps, MAX_NOTE_TEXT, nextOrder } from './boardOps.ts';
import { type BoardColumnsAccess, BoardColumnsEditor } from './BoardColumnsEditor.tsx';
import { BoardNoteCard } from './BoardNoteCard.tsx';
import type { BoardProjection } from './projectBoard.ts';
import { type BoardFocus, useBoardFocus } from './useBoardFocus.ts';

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
 *
 * Keyboard: each column is one Tab stop (roving tabindex over its note cards, `useBoardFocus`);
 * on a focused card Up/Down/Home/End move within the column, Left/Right to the next non-empty
 * column at about the same index, Enter or F2 edits it, and Tab reaches the card's own controls
 * (see `BoardNoteCard`).
 */
export function BoardCanvas({ projection, emit, readOnly, rejected, columnsAccess }: BoardCanvasProps) {
  const headingId = useId();
  const { columns, unsorted } = projection;
  const columnOptions = columns.map((c) => ({ id: c.id, title: c.title }));
  const [draft, setDraft] = useState('');
  const [target, setTarget] = useState('');
  const targetColumn = columns.find((c) => c.id === target) ?? columns[0];
  const endOrder = (columnId: string) => nextOrder(columns.find((c) => c.id === columnId));
  const shown = useMemo(
    () => [
      ...columns.map((c) => ({ id: c.id, count: c.notes.length })),
      ...(unsorted.length > 0 ? [{ id: '', count: unsorted.length }] : []),
    ],
    [columns, unsorted],
  );
  const focus = useBoardFocus(shown);

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
            focus={focus}
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
            focus={focus}
          />
        ) : null}
      </div>
    </section>
  );
}

/** First guess of a note card's height, px (the windowed list measures the real one). */
const NOTE_ROW_ESTIMATE = 48;

function BoardColumnView(props: {
  id: string;
  title: string;
  notes: BoardProjection['unsorted'];
  columns: { id: string; title: string }[];
  endOrder: (columnId: string) => number;
  emit: CanvasProps<BoardProjection>['emit'];
  readOnly: boolean;
  focus: BoardFocus;
}) {
  const { id, focus } = props;
  const headingId = useId();
  const section = useRef<HTMLElement>(null);
  const stop = focus.stop(id);
  const requested = focus.request?.column === id ? focus.request.index : -1;
  // A windowed column may not have rendered the requested note: scroll to about where it is, and
  // the card focuses itself when it renders.
  useEffect(() => {
    const list = section.current?.querySelector<HTMLElement>('[data-windowed]');
    if (requested < 0 || !list || list.querySelector(`:scope > [data-index="${requested}"]`)) return;
    const rowHeight = list.scrollHeight > 0 ? list.scrollHeight / Math.max(1, props.notes.length) : NOTE_ROW_ESTIMATE;
    list.scrollTop = requested * rowHeight;
    list.dispatchEvent(new Event('scroll'));
  }, [requested, props.notes.length]);
  return (
    <section
      ref={section}
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
          estimateRowHeight={NOTE_ROW_ESTIMATE}
          maxHeight="80vh"
          // The column's Tab stop stays rendered when scrolled away (or Tab would skip the column).
          keep={stop}
          renderRow={(index) => (
            <BoardNoteCard
              key={props.notes[index]!.id}
              note={props.notes[index]!}
              columns={props.columns}
              endOrder={props.endOrder}
              emit={props.emit}
              readOnly={props.readOnly}
              position={index}
              tabStop={index === stop}
              focusRequested={index === requested}
              onFocusCard={() => focus.focused({ column: id, index })}
              onMoveFocus={(key) => focus.move({ column: id, index }, key)}
            />
          )}
        />
      )}
    </section>
  );
}
