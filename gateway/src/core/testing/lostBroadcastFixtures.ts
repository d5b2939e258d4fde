import type { LensPolicy } from '@easel/schemas';
import { expect } from 'vitest';
import type { EventBus } from '../bus/EventBus.ts';
import { type CoreDeps, GatewayCore } from '../GatewayCore.ts';
import { ADMIN, command, scopeOf } from './coreHarness.ts';
import { DOC_V1 } from './docTypeVersions.ts';
import { SharedMemoryLog } from './SharedMemoryLog.ts';

/**
 * What the lost-broadcast tests share (`GatewayCore.lostBroadcasts`, `.lostPublish`,
 * `.typeCacheGaps`): two lens policies that differ for editors, a bounded poll, two nodes on one
 * shared log whose in-process buses never reach each other, and a `doc` canvas created on one
 * node under the type's 1.0 manifest.
 */
const ALL = { read: ['*'], write: ['*'] };
const SIDECARS = { see: true, resolve: true };

/** Editors may run every command; {@link CLOSED} takes `state.ops` from them. */
export const OPEN: LensPolicy = {
  roles: {
    admin: { tokens: ALL, state: ALL, sidecars: SIDECARS, commands: ['*'] },
    editor: { tokens: ALL, state: ALL, sidecars: SIDECARS, commands: ['*'] },
  },
};
export const CLOSED: LensPolicy = {
  roles: { ...OPEN.roles, editor: { tokens: ALL, state: ALL, sidecars: SIDECARS, commands: ['token.set'] } },
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 20 ms until true; false after `ms`. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
}

/**
 * Two nodes on one shared log, each with its own in-process bus from `newBus` (a `MemoryBus`: every
 * broadcast between them is lost), opened with `limits`; pushed onto `cores` so the caller's
 * `afterEach` closes them.
 */
export async function twoMemoryNodes<B extends EventBus>(
  cores: GatewayCore[],
  limits: NonNullable<CoreDeps['limits']>,
  newBus: () => B,
) {
  const log = new SharedMemoryLog();
  const buses = [newBus(), newBus()] as const;
  const opened = await Promise.all(buses.map((bus) => GatewayCore.open({ spine: log.node(), bus, limits })));
  cores.push(...opened);
  const [a, b] = opened as [GatewayCore, GatewayCore];
  return { log, a, b, busB: buses[1] };
}

/**
 * Registers `doc` 1.0 (no text fields) through `a`, then creates canvas `d1` on `b` with a plain
 * string at a block's text; returns its scope and the revision of that write.
 */
export async function docCanvasOn(a: GatewayCore, b: GatewayCore) {
  expect((await a.putCanvasType(ADMIN, 'p1', 'doc', DOC_V1)).ok).toBe(true);
  const scope = scopeOf('d1');
  expect((await b.submit(ADMIN, command('canvas.create', scope, { canvas_type: 'doc' }))).ok).toBe(true);
  const insert = { op: 'insert', root: 'blocks', value: { id: 'b1', kind: 'paragraph', text: 'hello' } };
  const written = await b.submit(ADMIN, command('state.ops', scope, { ops: [insert] }));
  expect(written.ok).toBe(true);
  return { scope, revision: written.ok ? written.value.revision : -1 };
}
