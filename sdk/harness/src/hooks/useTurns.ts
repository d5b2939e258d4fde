import type { SendPayload } from '@easel/transport';
import { useCallback, useEffect, useMemo, useSyncExternalStore } from 'react';
import { errResult, type HarnessResult, okResult } from '../lib/HarnessResult.ts';
import { useHarness } from '../provider/HarnessContext.ts';
import type { HarnessStores } from '../stores/HarnessStores.ts';
import { isTurnOpen, type TurnView } from '../stores/reduceTurns.ts';

/** `useTurns()`: agent turns on this canvas, newest last (earlier ones loaded once it mounts). */
export interface TurnsView {
  readonly turns: readonly TurnView[];
  /** The newest turn still running, if any. */
  readonly active: TurnView | null;
  /**
   * Sends `chat.send` and resolves with the turn's id once `turn_accepted` names the command
   * (or the outcome carries it); refused sends resolve with the reason.
   */
  send(text: string): Promise<HarnessResult<{ turn_id: string }>>;
  /** Sends `turn.cancel`; nothing of the turn is applied. */
  cancel(turnId: string): Promise<HarnessResult<{ revision: number }>>;
}

/** How long `send` waits for `turn_accepted` before answering with the command id. */
const ACCEPT_WAIT_MS = 10_000;

function awaitAccepted(stores: HarnessStores, commandId: string): Promise<string | null> {
  const find = () => stores.turns.value.find((t) => t.commandId === commandId)?.turnId ?? null;
  const found = find();
  if (found !== null) return Promise.resolve(found);
  return new Promise((resolve) => {
    const finish = (value: string | null) => {
      clearTimeout(timer);
      off();
      resolve(value);
    };
    const off = stores.turns.subscribe(() => {
      const id = find();
      if (id !== null) finish(id);
    });
    const timer = setTimeout(() => finish(null), ACCEPT_WAIT_MS);
  });
}

export function useTurns(): TurnsView {
  const stores = useHarness();
  useEffect(() => stores.ensureTurnHistory(), [stores]);
  const turns = useSyncExternalStore(stores.turns.subscribe, stores.turns.getSnapshot, stores.turns.getSnapshot);
  const send = useCallback(
    async (text: string): Promise<HarnessResult<{ turn_id: string }>> => {
      const trimmed = text.trim();
      if (trimmed === '') return errResult('validation_failed', 'write a message first');
      const sent = await stores.transport.send('chat.send', { text: trimmed } as SendPayload<'chat.send'>);
      if (!sent.ok) return errResult(sent.error.code, sent.error.message, sent.error.status);
      const fromOutcome = (sent.value as { turn_id?: unknown }).turn_id;
      if (typeof fromOutcome === 'string') return okResult({ turn_id: fromOutcome });
      const accepted = await awaitAccepted(stores, sent.value.commandId);
      return okResult({ turn_id: accepted ?? sent.value.commandId });
    },
    [stores],
  );
  const cancel = useCallback(
    async (turnId: string): Promise<HarnessResult<{ revision: number }>> => {
      const sent = await stores.transport.send('turn.cancel', { turn_id: turnId } as SendPayload<'turn.cancel'>);
      return sent.ok
        ? okResult({ revision: sent.value.revision })
        : errResult(sent.error.code, sent.error.message, sent.error.status);
    },
    [stores],
  );
  const active = useMemo(() => {
    for (let i = turns.length - 1; i >= 0; i--) if (isTurnOpen(turns[i]!)) return turns[i]!;
    return null;
  }, [turns]);
  return useMemo(() => ({ turns, active, send, cancel }), [turns, active, send, cancel]);
}
