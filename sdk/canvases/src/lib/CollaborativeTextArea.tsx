import { type TextareaHTMLAttributes, useState } from 'react';
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
 * concurrent edits elsewhere in a Y.Text survive; a new value from the projection replaces what is shown.
 */
export function CollaborativeTextArea({ value, onSplice, ...rest }: CollaborativeTextAreaProps) {
  const [shown, setShown] = useState(value);
  const [seen, setSeen] = useState(value);
  if (value !== seen) {
    // Derived state: a remote (or confirmed local) change arrived in the projection.
    setSeen(value);
    setShown(value);
  }
  return (
    <textarea
      {...rest}
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
