import { describe, expect, it } from 'vitest';
import { CanvasMirror } from '../mirror/CanvasMirror.ts';
import { parseEnvelope } from '../sse/parseEnvelope.ts';
import { ManualTimers } from '../testing/ManualTimers.ts';
import { OTHER_EPOCH, cursorOf, readyFrame, tokenPatch } from '../testing/frames.ts';
import { CursorWaiter } from './CursorWaiter.ts';

/** Feeds one SSE frame text (as built by testing/frames) to the mirror. */
function feed(mirror: CanvasMirror, text: string): void {
  const id = /^id: (.*)$/m.exec(text)?.[1];
  const data = /^data: (.*)$/m.exec(text)![1]!;
  const parsed = parseEnvelope(JSON.parse(data), { data, ...(id ? { id } : {}) });
  if (!parsed.ok) throw new Error(parsed.message);
  mirror.apply(parsed.event, id ?? null);
}

describe('CursorWaiter', () => {
  it('resolves at once for a cursor already applied, later for one ahead', async () => {
    const timers = new ManualTimers();
    const mirror = new CanvasMirror();
    const waiter = new CursorWaiter(mirror, timers);
    feed(mirror, readyFrame({ cursor: cursorOf(3) }));
    expect(await waiter.wait(cursorOf(2))).toEqual({ ok: true, value: cursorOf(3) });
    const ahead = waiter.wait(cursorOf(5));
    feed(mirror, tokenPatch('plan.title', 'a', 1, cursorOf(4)));
    feed(mirror, tokenPatch('plan.title', 'b', 2, cursorOf(6)));
    expect(await ahead).toEqual({ ok: true, value: cursorOf(6) });
    expect(timers.pending()).toEqual([]);
  });

  it('waits across epochs for a reset to reach the cursor, and reports reset when it never can', async () => {
    const timers = new ManualTimers();
    const mirror = new CanvasMirror();
    const waiter = new CursorWaiter(mirror, timers);
    feed(mirror, readyFrame({ cursor: cursorOf(9) }));
    // A command committed after the log was wiped: its cursor is in the new epoch.
    const newer = waiter.wait(cursorOf(2, OTHER_EPOCH));
    // One in the old epoch that the reset makes unreachable.
    const older = waiter.wait(cursorOf(20));
    feed(mirror, readyFrame({ cursor: cursorOf(3, OTHER_EPOCH), reset: true }));
    expect(await newer).toEqual({ ok: true, value: cursorOf(3, OTHER_EPOCH) });
    const result = await older;
    expect(!result.ok && result.error.code).toBe('reset');
  });

  it('a malformed cursor is validation_failed; close() ends waits with closed', async () => {
    const timers = new ManualTimers();
    const mirror = new CanvasMirror();
    const waiter = new CursorWaiter(mirror, timers);
    const bad = await waiter.wait('nope');
    expect(!bad.ok && bad.error.code).toBe('validation_failed');
    const pending = waiter.wait(cursorOf(1));
    waiter.close();
    const closed = await pending;
    expect(!closed.ok && closed.error.code).toBe('closed');
  });
});
