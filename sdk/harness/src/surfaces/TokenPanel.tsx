import { type ReactNode, useId, useState } from 'react';
import { rolesLabel } from '../api/rolesLabel.ts';
import { useCanvasMeta } from '../hooks/useCanvasMeta.ts';
import { useLens } from '../hooks/useLens.ts';
import { useTokens } from '../hooks/useTokens.ts';
import { StatusMessage } from './StatusMessage.tsx';
import { TokenInput } from './TokenInput.tsx';

export interface TokenPanelProps {
  /** Heading. Default "Tokens". */
  title?: string;
  /** Show only tokens whose id starts with one of these prefixes. */
  prefixes?: readonly string[];
  className?: string;
}

/**
 * The canvas's tokens the lens lets this actor read; editable only where it lets them write
 * (else the reason is shown); a refused write shows the gateway's reason (`token-error`).
 */
export function TokenPanel(props: TokenPanelProps): ReactNode {
  const tokens = useTokens();
  const meta = useCanvasMeta();
  const lens = useLens();
  const base = useId();
  // A draft refused before sending (e.g. text that is not JSON): shown like the gateway's refusals.
  const [invalid, setInvalid] = useState<{ tokenId: string; code: string; message: string } | null>(null);
  const ids = props.prefixes
    ? tokens.readable.filter((id) => props.prefixes!.some((p) => id.startsWith(p)))
    : tokens.readable;
  // Every token read-only for this role: one note for the panel, not the same sentence per field.
  const me = lens.status === 'loading' ? null : lens.me;
  const whys = ids.map((id) => tokens.whyReadOnly(id));
  const allReadOnly = me !== null && ids.length > 1 && whys.every((why) => why !== null);
  const panelNoteId = `${base}-readonly`;
  return (
    <section className={`ez-panel ez-tokens${props.className ? ` ${props.className}` : ''}`} aria-label="Tokens">
      <header className="ez-panel__header">
        <h2 className="ez-panel__title">{props.title ?? 'Tokens'}</h2>
        {lens.status === 'loading' ? <span className="ez-badge">checking access…</span> : null}
      </header>
      {tokens.lastError && !ids.includes(tokens.lastError.tokenId) ? (
        <p className="ez-error" role="alert" data-testid="token-error">
          {tokens.lastError.tokenId} was not saved: {tokens.lastError.message} <code>({tokens.lastError.code})</code>
        </p>
      ) : null}
      {allReadOnly && meta.ready ? (
        <p id={panelNoteId} className="ez-token__note" data-testid="tokens-readonly">
          Read only: your role ({rolesLabel(me.roles)}) may not change these tokens.
        </p>
      ) : null}
      {!meta.ready ? (
        <StatusMessage kind="loading" title="Loading tokens…" />
      ) : ids.length === 0 ? (
        <StatusMessage kind="empty" title="No tokens to show">
          This canvas declares no tokens your role may read.
        </StatusMessage>
      ) : (
        <ul className="ez-tokens__list">
          {ids.map((id, i) => {
            const spec = tokens.specs[id];
            const why = whys[i] ?? null;
            const fieldNote = why !== null && !allReadOnly;
            const inputId = `${base}-${id}`;
            const noteId = `${inputId}-note`;
            const error =
              invalid?.tokenId === id ? invalid : tokens.lastError?.tokenId === id ? tokens.lastError : null;
            return (
              <li key={id} className="ez-token" data-readonly={why !== null || undefined}>
                <label htmlFor={inputId} className="ez-token__label">
                  <span className="ez-token__id">{id}</span>
                  {spec?.description ? <span className="ez-token__desc">{spec.description}</span> : null}
                </label>
                <TokenInput
                  id={inputId}
                  tokenId={id}
                  spec={spec}
                  value={tokens.values[id] ?? spec?.default}
                  disabled={why !== null}
                  describedBy={error || fieldNote ? noteId : allReadOnly ? panelNoteId : undefined}
                  onCommit={(value) => {
                    if (invalid?.tokenId === id) setInvalid(null);
                    void tokens.set(id, value);
                  }}
                  onInvalid={(message) => setInvalid({ tokenId: id, code: 'validation_failed', message })}
                />
                {fieldNote ? (
                  <p id={noteId} className="ez-token__note">
                    Read only: {why}
                  </p>
                ) : null}
                {error ? (
                  <p id={noteId} className="ez-error" role="alert" data-testid="token-error">
                    Not saved: {error.message} <code>({error.code})</code>
                  </p>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
