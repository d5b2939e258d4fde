import { type TextareaHTMLAttributes, useLayoutEffect, useRef, useState } from 'react';
import { type TextSplice, textDiff } from './textDiff.ts';

export interface CollaborativeTextAreaProps
  extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onChange' | 'defaultValue'> {
  /** The shared text as the projection has it. */
  value: string;
  /** One local change, as the smallest splice from the text the user saw; `after` is the whole new text. */
  onSplice: (splice: TextSplice, after: string) => void;
}

/**
 * A textarea over shared text: each keystroke becomes one splice (common prefix and suffix kept), so
 * concurrent edits elsewhere in a Y.Text survive; a new value from the projection replaces what is shown,
 * and a focused area keeps its caret (and selection) where it was in the text, moved past what a
 * collaborator inserted before it, instead of jumping to the end.
 */
export function CollaborativeTextArea({ value, onSplice, ...rest }: CollaborativeTextAreaProps) {
  const [shown, setShown] = useState(value);
  const [seen, setSeen] = useState(value);
  const area = useRef<HTMLTextAreaElement | null>(null);
  const pendingSelection = useRef<readonly [number, number] | null>(null);
  if (value !== seen) {
    // Derived state: a remote (or confirmed local) change arrived in the projection.
    const el = area.current;
    const splice = textDiff(shown, value);
    if (el && splice && el.ownerDocument.activeElement === el) {
      pendingSelection.current = [mapOffset(el.selectionStart, splice), mapOffset(el.selectionEnd, splice)];
    }
    setSeen(value);
    setShown(value);
  }
  useLayoutEffect(() => {
    const selection = pendingSelection.current;
    const el = area.current;
    if (!selection || !el) return;
    pendingSelection.current = null;
    if (el.selectionStart !== selection[0] || el.selectionEnd !== selection[1]) {
      el.setSelectionRange(selection[0], selection[1]);
    }
  });
  return (
    <textarea
      {...rest}
      ref={area}
      value={shown}
      onChange={(event) => {
        const after = event.target.value;
        const splice = textDiff(shown, after);
        setShown(after);
        if (splice !== null) onSplice(splice, after);
      }}
    />
  );
}

/** Where an offset in the text before `splice` lands after it (inside a removed span: after the insert). */
function mapOffset(at: number, splice: TextSplice): number {
  if (at <= splice.index) return at;
  if (at >= splice.index + splice.remove) return at - splice.remove + splice.insert.length;
  return splice.index + splice.insert.length;
}
