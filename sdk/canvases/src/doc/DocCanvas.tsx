import type { CanvasProps } from '@easel/harness';
import { useId, useState } from 'react';
import { CollaborativeTextArea } from '../lib/CollaborativeTextArea.tsx';
import { newId } from '../lib/newId.ts';
import { ReadOnlyBadge } from '../lib/ReadOnlyBadge.tsx';
import { RejectedNotice } from '../lib/RejectedNotice.tsx';
import { WindowedList } from '../lib/WindowedList.tsx';
import { DocBlockView } from './DocBlockView.tsx';
import { addBlockOps, editBodyText } from './docOps.ts';
import { BlockKindOptions } from './BlockKindOptions.tsx';
import type { BlockKind, DocProjection } from './projectDoc.ts';

/**
 * The doc: a block tree (structure through `state.ops` on `blocks`) and a body of collaborative text
 * (`data-testid="doc-text"`, local Yjs edits on the `text` root through `emit.edit`).
 */
export function DocCanvas({ projection, emit, readOnly, rejected }: CanvasProps<DocProjection>) {
  const headingId = useId();
  const bodyId = useId();
  const [kind, setKind] = useState<BlockKind>('paragraph');
  const { blocks } = projection;
  return (
    <article
      className="easel-doc"
      aria-labelledby={headingId}
      style={{ fontFamily: projection.font, borderTop: `4px solid ${projection.accent}` }}
    >
      <header className="easel-doc-header">
        <h2 id={headingId}>{projection.title === '' ? 'Doc' : projection.title}</h2>
        <span className="easel-doc-status">{projection.status}</span>
        <ReadOnlyBadge readOnly={readOnly} />
      </header>
      <RejectedNotice rejected={rejected} />
      <section className="easel-doc-blocks" aria-label="Blocks" data-block-count={projection.blockCount}>
        {blocks.length === 0 ? (
          <p className="easel-doc-empty">No blocks yet.</p>
        ) : (
          <WindowedList
            count={blocks.length}
            estimateRowHeight={readOnly ? 28 : 40}
            renderRow={(index) => (
              <DocBlockView
                key={blocks[index]!.id}
                block={blocks[index]!}
                siblings={blocks.length}
                emit={emit}
                readOnly={readOnly}
                position={index}
              />
            )}
          />
        )}
        {projection.skipped > 0 ? (
          <p className="easel-doc-skipped">{projection.skipped} entries could not be shown.</p>
        ) : null}
        {readOnly ? null : (
          <div className="easel-doc-toolbar" role="toolbar" aria-label="Block tools">
            <label>
              New block
              <select value={kind} onChange={(e) => setKind(e.target.value as BlockKind)}>
                <BlockKindOptions />
              </select>
            </label>
            <button
              type="button"
              data-testid="add-block"
              onClick={() => void emit.ops(addBlockOps(newId('block'), kind, ''))}
            >
              Add block
            </button>
          </div>
        )}
      </section>
      <section className="easel-doc-body" aria-labelledby={bodyId}>
        <h3 id={bodyId}>Body</h3>
        {readOnly ? (
          <div className="easel-doc-text" data-testid="doc-text" style={{ whiteSpace: 'pre-wrap' }}>
            {projection.text === '' ? <em>(empty)</em> : projection.text}
          </div>
        ) : (
          <CollaborativeTextArea
            className="easel-doc-text"
            data-testid="doc-text"
            aria-labelledby={bodyId}
            rows={10}
            value={projection.text}
            placeholder="Write together…"
            onSplice={(splice) => emit.edit(editBodyText(splice))}
          />
        )}
      </section>
    </article>
  );
}
