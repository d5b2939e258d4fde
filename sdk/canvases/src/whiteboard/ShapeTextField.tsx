import { type FormEvent, type RefObject, useEffect, useRef, useState } from 'react';
import { MAX_SHAPE_TEXT } from './whiteboardOps.ts';

/**
 * The text of the selected text shape, editable under the whiteboard (`data-testid="shape-text"`):
 * the change is sent on Enter, when the field loses focus, or when another shape is selected (the
 * field unmounts), once and only when the text changed. Mount it with `key={shape.id}` so each
 * shape starts from its own text.
 */
export function ShapeTextField(props: {
  text: string;
  onCommit: (text: string) => void;
  inputRef?: RefObject<HTMLInputElement | null>;
}) {
  const [draft, setDraft] = useState(props.text);
  const sent = useRef(props.text);
  const latest = useRef({ draft, onCommit: props.onCommit });
  latest.current = { draft, onCommit: props.onCommit };
  const commit = () => {
    const { draft: text, onCommit } = latest.current;
    if (text === sent.current) return;
    sent.current = text;
    onCommit(text);
  };
  // Selecting another shape unmounts the field before its blur: send what was typed.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once, on unmount, with the latest draft
  useEffect(() => commit, []);
  return (
    <form
      className="easel-wb-text"
      aria-label="Text of the selected shape"
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        commit();
      }}
    >
      <label>
        Text
        <input
          ref={props.inputRef}
          type="text"
          data-testid="shape-text"
          value={draft}
          maxLength={MAX_SHAPE_TEXT}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commit}
        />
      </label>
    </form>
  );
}
