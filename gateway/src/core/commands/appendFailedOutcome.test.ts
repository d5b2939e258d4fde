import { describe, expect, it } from 'vitest';
import { SpineError } from '../spine/SpineError.ts';
import { MemorySpine } from '../testing/MemorySpine.ts';
import { type AppendFailedWording, appendFailedOutcome } from './appendFailedOutcome.ts';

const wording: AppendFailedWording = { log: 'append failed', message: 'storing failed, nothing was applied; retry' };
const partition = 't1/p1';

/** A spine holding command `cmd-1` (stored outcome: cursor `cur-1`, revision 4). */
async function spineWithCommand(): Promise<MemorySpine> {
  const spine = new MemorySpine();
  const { durable } = spine.append({
    partition,
    events: [{ type: 'token_patch', canvasId: 'c1', envelope: '{}' }],
    commandId: 'cmd-1',
    outcome: () => ({ cursor: 'cur-1', revision: 4 }),
  });
  await durable;
  return spine;
}

describe('appendFailedOutcome', () => {
  it('[CONTRACT 5] an id the spine already stored answers duplicate with the original cursor and revision', async () => {
    const spine = await spineWithCommand();
    const err = new SpineError('duplicate_command', 'command cmd-1 is already stored');
    expect(await appendFailedOutcome({ spine }, err, partition, 'cmd-1', wording)).toEqual({
      ok: true,
      value: { status: 'duplicate', cursor: 'cur-1', revision: 4 },
    });
  });

  it('[CONTRACT 3] a duplicate whose original cannot be found, or any other failure, is 503 unavailable', async () => {
    const spine = await spineWithCommand();
    const refused = { ok: false, error: { code: 'unavailable', message: wording.message } };
    const dup = new SpineError('duplicate_command', 'command cmd-2 is already stored');
    expect(await appendFailedOutcome({ spine }, dup, partition, 'cmd-2', wording)).toEqual(refused);
    const writeFailed = new SpineError('write_failed', 'disk full');
    expect(await appendFailedOutcome({ spine }, writeFailed, partition, 'cmd-1', wording)).toEqual(refused);
    await spine.close();
    expect(await appendFailedOutcome({ spine }, dup, partition, 'cmd-1', wording)).toEqual(refused);
  });
});
