import { type FocusEvent, type PointerEvent, useRef, useState } from 'react';
import { CollaborativeTextArea, type CollaborativeTextAreaProps } from './CollaborativeTextArea.tsx';

/**
 * A {@link CollaborativeTextArea} that shows its text as a focusable text box (`role="textbox"`,
 * class `easel-lazy-text`) until it is first focused or pressed, then becomes the text area with
 * the caret where the pointer went down (or at the end after a Tab). A long list's first paint
 * builds one light element per row instead of a form control with its own inner editor; nothing is
 * editable any later than a click or a Tab. Once editing, it stays a text area.
 */
export function LazyTextArea(props: CollaborativeTextAreaProps) {
  const [editing, setEditing] = useState(false);
  const caret = useRef<number | null>(null);
  if (editing) {
    return (
      <CollaborativeTextArea
        {...props}
        autoFocus
        onFocus={(event: FocusEvent<HTMLTextAreaElement>) => {
          const at = caret.current ?? event.currentTarget.value.length;
          caret.current = null;
          event.currentTarget.setSelectionRange(at, at);
          props.onFocus?.(event);
        }}
      />
    );
  }
  const { className, value, placeholder } = props;
  const empty = value === '' && placeholder !== undefined && placeholder !== '';
  return (
    // biome-ignore lint/a11y/useSemanticElements: a light stand-in for the <textarea> it turns into on focus or press
    <div
      role="textbox"
      aria-multiline="true"
      aria-label={props['aria-label']}
      aria-placeholder={empty ? placeholder : undefined}
      data-testid={(props as unknown as Record<string, string | undefined>)['data-testid']}
      tabIndex={0}
      className={`easel-lazy-text${className ? ` ${className}` : ''}`}
      style={LAZY_STYLE}
      // The press only says where the caret goes; the focus it brings (the browser's default
      // action) opens the text area, which then keeps that focus.
      onPointerDown={(event: PointerEvent<HTMLDivElement>) => {
        caret.current = offsetAt(event.currentTarget, event.clientX, event.clientY);
      }}
      onFocus={() => setEditing(true)}
    >
      {empty ? (
        <span aria-hidden="true" className="easel-lazy-placeholder" style={PLACEHOLDER_STYLE}>
          {placeholder}
        </span>
      ) : (
        value
      )}
      {
        // The lines a text area shows that a box's text does not make: its one line when empty,
        // the last line after a final line break.
        !empty && (value === '' || value.endsWith('\n')) ? <br /> : null
      }
    </div>
  );
}

/**
 * Keeps line breaks and long words as the text area would show them. No size of its own: an empty
 * box still holds one line (its placeholder, or a line break), so there is always something to
 * press, and the stylesheet sizes it and the text area alike (e.g. the same `min-height` and
 * `line-height` for `.easel-lazy-text` and `textarea`, and `field-sizing: content` on the text
 * area so it grows with its text as this box does), so opening it moves nothing.
 */
const LAZY_STYLE = { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', cursor: 'text' } as const;

/**
 * The text area's own placeholder look: muted, never selected with the text. Muted by colour, not
 * by opacity (half opacity is 3.24:1 on white, under WCAG 1.4.3's 4.5:1): the harness's secondary
 * text colour, or without the harness's stylesheet a grey of 6.4:1 on white.
 */
const PLACEHOLDER_STYLE = { color: 'var(--ez-text-2, #595f6a)', userSelect: 'none', pointerEvents: 'none' } as const;

/** The text offset under a point inside `el` (its one text node), or null where the browser cannot say. */
function offsetAt(el: HTMLElement, x: number, y: number): number | null {
  const doc = el.ownerDocument as Document & {
    caretPositionFromPoint?: (x: number, y: number) => { offsetNode: Node; offset: number } | null;
    caretRangeFromPoint?: (x: number, y: number) => Range | null;
  };
  const position = doc.caretPositionFromPoint?.(x, y);
  if (position && el.contains(position.offsetNode)) return position.offset;
  const range = doc.caretRangeFromPoint?.(x, y);
  if (range && el.contains(range.startContainer)) return range.startOffset;
  return null;
}
