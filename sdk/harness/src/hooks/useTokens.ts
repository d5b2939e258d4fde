import { globMatchAny, type JsonValue, type TokenDeclaration, validateTokenValue } from '@easel/schemas';
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import { canWriteToken } from '../api/effectivePermissions.ts';
import { errResult, type HarnessResult, okResult } from '../lib/HarnessResult.ts';
import { useHarness } from '../provider/HarnessContext.ts';
import type { TokenErrorView } from '../stores/HarnessStores.ts';
import { useCanvasMeta } from './useCanvasMeta.ts';
import { useLens } from './useLens.ts';
import { rolesLabel } from '../api/rolesLabel.ts';

/** Why the last token write was refused. */
export type TokenError = TokenErrorView;

/** `useTokens()`: the canvas's typed tokens, as the caller's lens shows them. */
export interface TokensView {
  /** Values the stream delivered (the gateway never sends a token the lens hides). */
  readonly values: Readonly<Record<string, JsonValue>>;
  /** The manifest's token declarations. */
  readonly specs: Readonly<Record<string, TokenDeclaration>>;
  /** Ids the caller may read, in manifest order (values without a declaration last). */
  readonly readable: readonly string[];
  canRead(tokenId: string): boolean;
  canWrite(tokenId: string): boolean;
  /** Why `tokenId` cannot be written (null when it can). */
  whyReadOnly(tokenId: string): string | null;
  /** Validates against the declaration, then sends `token.set`. */
  set(tokenId: string, value: JsonValue): Promise<HarnessResult<{ revision: number }>>;
  /** The last refused write (cleared by a later accepted write of the same token). */
  readonly lastError: TokenError | null;
}

export function useTokens(): TokensView {
  const stores = useHarness();
  const values = useSyncExternalStore(stores.tokens.subscribe, stores.tokens.getSnapshot, stores.tokens.getSnapshot);
  const lastError = useSyncExternalStore(
    stores.tokenError.subscribe,
    stores.tokenError.getSnapshot,
    stores.tokenError.getSnapshot,
  );
  const meta = useCanvasMeta();
  const lens = useLens();
  const specs = meta.manifest?.tokens ?? EMPTY_SPECS;

  const canRead = useCallback(
    (id: string) =>
      Object.hasOwn(values, id) || (lens.me !== null && globMatchAny(lens.me.permissions.tokens.read, id)),
    [values, lens.me],
  );
  const whyReadOnly = useCallback(
    (id: string): string | null => {
      if (lens.status === 'loading') return 'checking your permissions…';
      // Permissions that cannot be known: let the gateway decide (a refusal shows its reason).
      if (lens.me === null) return null;
      if (!canWriteToken(lens.me.permissions, id)) {
        return `your role (${rolesLabel(lens.me.roles)}) may not change ${id}`;
      }
      return null;
    },
    [lens],
  );
  const canWrite = useCallback((id: string) => whyReadOnly(id) === null, [whyReadOnly]);

  const set = useCallback(
    async (tokenId: string, value: JsonValue): Promise<HarnessResult<{ revision: number }>> => {
      const spec = specs[tokenId];
      if (spec) {
        const checked = validateTokenValue(spec, value);
        if (!checked.ok) {
          stores.tokenError.set({ tokenId, code: 'validation_failed', message: checked.message });
          return errResult('validation_failed', checked.message);
        }
      }
      const sent = await stores.transport.setToken(tokenId, value);
      if (!sent.ok) {
        stores.tokenError.set({ tokenId, code: sent.error.code, message: sent.error.message });
        return errResult(sent.error.code, sent.error.message, sent.error.status);
      }
      if (stores.tokenError.value?.tokenId === tokenId) stores.tokenError.set(null);
      return okResult({ revision: sent.value.revision });
    },
    [stores, specs],
  );

  const readable = useMemo(() => {
    const ids = Object.keys(specs).filter(canRead);
    for (const id of Object.keys(values)) if (!Object.hasOwn(specs, id)) ids.push(id);
    return ids;
  }, [specs, values, canRead]);

  return useMemo(
    () => ({ values, specs, readable, canRead, canWrite, whyReadOnly, set, lastError }),
    [values, specs, readable, canRead, canWrite, whyReadOnly, set, lastError],
  );
}

const EMPTY_SPECS: Readonly<Record<string, TokenDeclaration>> = Object.freeze({});
