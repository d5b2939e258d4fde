import { decodeCursor } from '@easel/schemas/guards';
import { type Result, err, ok } from '../lib/Result.ts';
import type { Timers } from '../lib/deps.ts';
import type { CanvasMirror } from '../mirror/CanvasMirror.ts';
import type { CommandError } from './CommandError.ts';

export interface AwaitCursorOptions {
  /** Give up after this long with `{ok: false, error: {code: 'timeout'}}` (default 15 000 ms). */
  readonly timeoutMs?: number;
}

interface Waiter {
  readonly epoch: string;
  readonly seq: number;
  readonly startEpoch: string | null;
  readonly timer: unknown;
  readonly resolve: (result: Result<string, CommandError>) => void;
}

/**
 * Read-your-writes: resolves once the mirror has applied an event at or after a cursor (a
 * command's outcome cursor). Never rejects. A cursor of another epoch than the mirror's waits
 * for the mirror to move to it (a reset is on its way); if instead the mirror is reset to yet
 * another epoch, the cursor can never be reached and the wait ends with `reset`.
 */
export class CursorWaiter {
  readonly #mirror: CanvasMirror;
  readonly #timers: Timers;
  readonly #waiters = new Set<Waiter>();
  #unsubscribe: (() => void) | null = null;

  constructor(mirror: CanvasMirror, timers: Timers) {
    this.#mirror = mirror;
    this.#timers = timers;
  }

  wait(cursor: string, options: AwaitCursorOptions = {}): Promise<Result<string, CommandError>> {
    const target = decodeCursor(cursor);
    if (!target.ok) return Promise.resolve(err({ code: 'validation_failed', message: `cursor: ${target.reason}` }));
    const reached = this.#check(target.value.epoch, target.value.seq, null);
    if (reached !== null) return Promise.resolve(reached);
    return new Promise((resolve) => {
      const current = this.#mirror.cursor === null ? null : decodeCursor(this.#mirror.cursor);
      const waiter: Waiter = {
        epoch: target.value.epoch,
        seq: target.value.seq,
        startEpoch: current?.ok ? current.value.epoch : null,
        timer: this.#timers.setTimeout(() => {
          this.#settle(waiter, err({ code: 'timeout', message: `the mirror did not reach ${cursor} in time` }));
        }, options.timeoutMs ?? 15_000),
        resolve,
      };
      this.#waiters.add(waiter);
      this.#unsubscribe ??= this.#mirror.onCursor(() => this.#recheck());
    });
  }

  /** Ends every wait with `closed`. */
  close(): void {
    // (No copy: settling deletes only the waiter at hand, which `Set` iteration allows, and runs no
    // caller code synchronously, so nothing is added meanwhile.)
    for (const waiter of this.#waiters)
      this.#settle(waiter, err({ code: 'closed', message: 'the transport was closed' }));
  }

  #recheck(): void {
    for (const waiter of this.#waiters) {
      const result = this.#check(waiter.epoch, waiter.seq, waiter.startEpoch);
      if (result !== null) this.#settle(waiter, result);
    }
  }

  #check(epoch: string, seq: number, startEpoch: string | null): Result<string, CommandError> | null {
    const cursor = this.#mirror.cursor;
    if (cursor === null) return null;
    const current = decodeCursor(cursor);
    if (!current.ok) return null;
    if (current.value.epoch === epoch) return current.value.seq >= seq ? ok(cursor) : null;
    if (startEpoch !== null && current.value.epoch !== startEpoch) {
      return err({
        code: 'reset',
        message: `canvas reset to another epoch before ${epoch}-${seq}`,
      });
    }
    return null;
  }

  #settle(waiter: Waiter, result: Result<string, CommandError>): void {
    if (!this.#waiters.delete(waiter)) return;
    this.#timers.clearTimeout(waiter.timer);
    if (this.#waiters.size === 0 && this.#unsubscribe) {
      this.#unsubscribe();
      this.#unsubscribe = null;
    }
    waiter.resolve(result);
  }
}
