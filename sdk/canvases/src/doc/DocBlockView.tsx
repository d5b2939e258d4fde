import { type CommandEmitter, Icon } from '@easel/harness';
import { type CSSProperties, type FocusEvent, memo, useState } from 'react';
import { LazyTextArea } from '../lib/LazyTextArea.tsx';
import { newId } from '../lib/newId.ts';
import { deleteBlockOps, editBlockText, moveBlockOps, setBlockKindOps, BLOCKS_ROOT } from './docOps.ts';
import { BlockKindOptions } from './BlockKindOptions.tsx';
import type { DocBlock } from './projectDoc.ts';

export interface DocBlockViewProps {
  block: DocBlock;
  /** Number of siblings (top-level blocks can move within them). */
  siblings: number;
  emit: CommandEmitter;
  readOnly: boolean;
  /** Index in a windowed top-level list (`data-index`, and the list number it shows). */
  position?: number;
}

/** A block rendered for reading: heading, quote, code, bullet or paragraph. */
function ReadBlock({ block }: { block: DocBlock }) {
  switch (block.kind) {
    case 'heading':
      return <h3 className="easel-doc-heading">{block.text}</h3>;
    case 'quote':
      return <blockquote className="easel-doc-quote">{block.text}</blockquote>;
    case 'code':
      return (
        <pre className="easel-doc-code">
          <code>{block.text}</code>
        </pre>
      );
    case 'bullet':
      return <p className="easel-doc-bullet">• {block.text}</p>;
    default:
      return <p className="easel-doc-paragraph">{block.text}</p>;
  }
}

/**
 * Where a top-level row's controls go: a gutter reserved inside the row's own box whether or not
 * they show, so mounting them (on hover or focus) moves nothing, and they never cover the row's
 * text nor any other row (a press meant for the next row lands on it). By default the gutter is a
 * strip below the text (`--easel-doc-gutter`, the row's padding) and the bar sits at its bottom
 * right (`--easel-doc-controls-inset`); a host with room moves both to the right of the text (see
 * the host's `canvases.css`). `--easel-doc-row-min-height` keeps a row as tall as its bar.
 */
const EDIT_STYLE: CSSProperties = {
  position: 'relative',
  boxSizing: 'border-box',
  padding: 'var(--easel-doc-gutter, 0 0 2.25rem 0)',
  minHeight: 'var(--easel-doc-row-min-height, 0)',
};
const CONTROLS_STYLE: CSSProperties = {
  position: 'absolute',
  inset: 'var(--easel-doc-controls-inset, auto 0 0 auto)',
  display: 'flex',
  flexWrap: 'nowrap',
  alignItems: 'center',
};

/**
 * Whether a row shows its controls: while the pointer is over its own content or focus is inside
 * it. Rows mount their kind picker and move/delete buttons only then, so a long doc's first paint
 * builds one text area per visible row instead of five form controls (keyboard: focus the text,
 * then Tab reaches the controls; touch: tapping the text focuses it).
 */
function useRowActive() {
  const [hovered, setHovered] = useState(false);
  const [focused, setFocused] = useState(false);
  const handlers = {
    onPointerEnter: () => setHovered(true),
    onPointerLeave: () => setHovered(false),
    onFocus: () => setFocused(true),
    onBlur: (event: FocusEvent<HTMLElement>) => {
      if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setFocused(false);
    },
  };
  return { active: hovered || focused, handlers };
}

/**
 * One block (`data-testid="block-<id>"`) and its children. Editable text goes through Y.Text
 * (`emit.edit`); structure (kind, order, deletion) through `state.ops` on the top-level `blocks` array.
 * Memoized: a block object is kept while its `blocks` JSON is unchanged, so a re-render of the list
 * (scroll, a measured row height, new tokens) renders only the rows that appeared.
 */
export const DocBlockView = memo(function DocBlockView({
  block,
  siblings,
  emit,
  readOnly,
  position,
}: DocBlockViewProps) {
  const topLevel = block.path.length === 1;
  const index = block.path[0]!;
  const label = `${block.kind} block ${index + 1}`;
  const editable = !readOnly && (block.structured || topLevel);
  const { active, handlers } = useRowActive();
  return (
    <li
      className="easel-doc-block"
      data-testid={`block-${block.id}`}
      data-kind={block.kind}
      data-index={position}
      value={position === undefined ? undefined : position + 1}
    >
      {editable ? (
        <div
          className="easel-doc-block-edit"
          data-active={active || undefined}
          data-gutter={topLevel || undefined}
          style={topLevel ? EDIT_STYLE : undefined}
          {...handlers}
        >
          <LazyTextArea
            data-testid={`block-text-${block.id}`}
            aria-label={`Text of ${label}`}
            className={`easel-doc-text-${block.kind}`}
            rows={block.kind === 'code' ? 4 : 1}
            placeholder={`Empty ${block.kind}: type here`}
            value={block.text}
            onSplice={(splice, after) => {
              if (block.structured) emit.edit(editBlockText(block, splice, after));
              else {
                void emit.ops(
                  [
                    {
                      op: 'update',
                      root: BLOCKS_ROOT,
                      index,
                      value: { id: newId('block'), kind: 'paragraph', text: after },
                    },
                  ],
                  { message: 'edit block' },
                );
              }
            }}
          />
          {active && topLevel ? (
            <div className="easel-doc-block-controls" style={CONTROLS_STYLE}>
              {block.structured ? (
                <select
                  aria-label={`Kind of ${label}`}
                  title="Kind"
                  className="easel-doc-block-kind"
                  value={block.kind}
                  onChange={(e) => void emit.ops(setBlockKindOps(index, e.target.value))}
                >
                  <BlockKindOptions current={block.kind} />
                </select>
              ) : null}
              <span className="easel-doc-block-actions">
                <button
                  type="button"
                  aria-label={`Move ${label} up`}
                  disabled={index === 0}
                  title="Move up"
                  onClick={() => void emit.ops(moveBlockOps(index, index - 1))}
                >
                  <Icon name="arrow-up" />
                </button>
                <button
                  type="button"
                  aria-label={`Move ${label} down`}
                  disabled={index >= siblings - 1}
                  title="Move down"
                  onClick={() => void emit.ops(moveBlockOps(index, index + 1))}
                >
                  <Icon name="arrow-down" />
                </button>
                <button
                  type="button"
                  aria-label={`Delete ${label}`}
                  title="Delete"
                  onClick={() => void emit.ops(deleteBlockOps(index))}
                >
                  <Icon name="close" />
                </button>
              </span>
            </div>
          ) : null}
        </div>
      ) : (
        <ReadBlock block={block} />
      )}
      {block.children.length > 0 ? (
        <ol className="easel-doc-children">
          {block.children.map((child) => (
            <DocBlockView
              key={child.id}
              block={child}
              siblings={block.children.length}
              emit={emit}
              readOnly={readOnly}
            />
          ))}
        </ol>
      ) : null}
    </li>
  );
});
