import type { JsonValue, TokenDeclaration } from '@easel/schemas';
import { type ReactNode, useEffect, useState } from 'react';

export interface TokenInputProps {
  id: string;
  tokenId: string;
  spec: TokenDeclaration | undefined;
  value: JsonValue | undefined;
  /**
   * Off (the role may not change it). It stays focusable so its reason (`describedBy`) can be
   * reached: text fields are `readOnly`, the others `aria-disabled` and ignore changes.
   */
  disabled: boolean;
  describedBy?: string;
  onCommit(value: JsonValue): void;
  /** A draft that is no value of the token's type (text that is not JSON): nothing is sent. */
  onInvalid?(message: string): void;
}

function display(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * One token's editor, by declared type; text-like inputs commit on Enter or blur. An off one is
 * not `disabled` (that took it out of the tab order, and its reason with it).
 */
export function TokenInput(props: TokenInputProps): ReactNode {
  const { spec, value, disabled, tokenId } = props;
  const [draft, setDraft] = useState(() => display(value));
  useEffect(() => setDraft(display(value)), [value]);
  const common = {
    id: props.id,
    'data-testid': `token-${tokenId}`,
    'aria-describedby': props.describedBy,
  };
  // Controls without a read-only state: announced off, and a change is not taken (controlled: it reverts).
  const off = {
    ...common,
    'aria-disabled': disabled || undefined,
    onClick: (e: { preventDefault(): void }) => {
      if (disabled) e.preventDefault();
    },
  };
  const type = spec?.type ?? 'json';
  if (type === 'boolean') {
    return (
      <input
        {...off}
        type="checkbox"
        className="ez-checkbox"
        checked={value === true}
        onChange={(e) => {
          if (!disabled) props.onCommit(e.target.checked);
        }}
      />
    );
  }
  if (type === 'enum') {
    return (
      <select
        {...off}
        className="ez-input"
        value={display(value)}
        onMouseDown={(e) => {
          if (disabled) e.preventDefault();
        }}
        onChange={(e) => {
          if (!disabled) props.onCommit(e.target.value);
        }}
      >
        {(spec?.values ?? []).map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    );
  }
  if (type === 'color') {
    const hex = typeof value === 'string' && /^#[0-9a-fA-F]{6}$/.test(value) ? value : '#000000';
    return (
      <input
        {...off}
        type="color"
        className="ez-color"
        value={hex}
        onChange={(e) => {
          if (!disabled) props.onCommit(e.target.value);
        }}
      />
    );
  }
  const commit = () => {
    if (disabled || draft === display(value)) return;
    if (type === 'number') {
      const n = Number(draft);
      props.onCommit(draft.trim() === '' || Number.isNaN(n) ? (draft as JsonValue) : n);
    } else if (type === 'json') {
      // Text that is not JSON was saved as a string: a list token became "{not json" silently.
      let parsed: JsonValue;
      try {
        parsed = JSON.parse(draft) as JsonValue;
      } catch (error) {
        props.onInvalid?.(`not valid JSON (${error instanceof Error ? error.message : String(error)})`);
        return;
      }
      props.onCommit(parsed);
    } else props.onCommit(draft);
  };
  const textProps = {
    ...common,
    readOnly: disabled,
    className: 'ez-input',
    value: draft,
    onChange: (e: { target: { value: string } }) => setDraft(e.target.value),
    onBlur: commit,
  };
  if (type === 'json') return <textarea {...textProps} rows={3} spellCheck={false} />;
  return (
    <input
      {...textProps}
      type={type === 'number' ? 'number' : 'text'}
      {...(type === 'number' && spec?.min !== undefined ? { min: spec.min } : {})}
      {...(type === 'number' && spec?.max !== undefined ? { max: spec.max } : {})}
      {...(type === 'string' && spec?.max_length !== undefined ? { maxLength: spec.max_length } : {})}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
        if (e.key === 'Escape') setDraft(display(value));
      }}
    />
  );
}
