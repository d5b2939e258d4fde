import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTRACT_EXAMPLE_LENS_POLICY, type Scope } from '@easel/schemas';
import { afterEach, beforeEach } from 'vitest';
import * as Y from 'yjs';
import type { Principal } from '../auth/Principal.ts';
import type { BusEvent, EventBus } from '../bus/EventBus.ts';
import { type CoreDeps, GatewayCore } from '../GatewayCore.ts';
import type { EventSpine } from '../spine/EventSpine.ts';

/**
 * A core over a given spine and bus (tests pass the real SQLite spine and in-process bus; core/
 * itself must not import adapters), recording every bus event of the watched partitions.
 */
export interface CoreHarness {
  core: GatewayCore;
  spine: EventSpine;
  bus: EventBus;
  /** Every event published on the bus, in order. */
  events: BusEvent[];
  /** Closes core, bus and spine (a spine file stays). */
  close(): Promise<void>;
}

/** A temporary directory removed by the returned function. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'easel-core-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function openHarness(
  spine: EventSpine,
  bus: EventBus,
  options: { limits?: CoreDeps['limits']; partitions?: string[] } = {},
): Promise<CoreHarness> {
  const events: BusEvent[] = [];
  for (const partition of options.partitions ?? ['acme/p1']) bus.subscribe(partition, (batch) => events.push(...batch));
  const core = await GatewayCore.open({ spine, bus, ...(options.limits ? { limits: options.limits } : {}) });
  return {
    core,
    spine,
    bus,
    events,
    close: async () => {
      await core.close();
      await bus.close();
      await spine.close();
    },
  };
}

/** How a test file opens the adapters a harness runs on (core/ itself must not import them). */
export type OpenStores = (spinePath: string) => { spine: EventSpine; bus: EventBus };

/** Options of {@link openHarness}. */
export type HarnessOptions = Parameters<typeof openHarness>[2];

/** A harness that {@link harnessPerTest} opens afresh for every test; it reads as the current one. */
export interface PerTestHarness extends CoreHarness {
  /** Closes the current harness and opens another on the same spine file (a gateway restart). */
  reopen(options?: HarnessOptions): Promise<void>;
}

/**
 * Registers `beforeEach`/`afterEach` in the calling test file: each test gets a fresh temp directory
 * and a harness over `stores(<dir>/spine.db)` opened with `options`; after it, the harness is closed
 * and the directory removed. Read it only inside tests and hooks.
 */
export function harnessPerTest(stores: OpenStores, options: HarnessOptions = {}): PerTestHarness {
  let dir: { dir: string; remove: () => void } | undefined;
  let current: CoreHarness | undefined;
  const open = async (opts: HarnessOptions): Promise<void> => {
    if (!dir) throw new Error('harnessPerTest: used outside a test');
    const { spine, bus } = stores(join(dir.dir, 'spine.db'));
    current = await openHarness(spine, bus, opts);
  };
  const now = (): CoreHarness => {
    if (!current) throw new Error('harnessPerTest: used outside a test');
    return current;
  };
  beforeEach(async () => {
    dir = tempDir();
    await open(options);
  });
  afterEach(async () => {
    await current?.close().catch(() => {});
    dir?.remove();
    current = undefined;
    dir = undefined;
  });
  return {
    get core() {
      return now().core;
    },
    get spine() {
      return now().spine;
    },
    get bus() {
      return now().bus;
    },
    get events() {
      return now().events;
    },
    close: () => now().close(),
    reopen: async (opts = options) => {
      await now().close();
      await open(opts);
    },
  };
}

export const ADMIN: Principal = { actorId: 'ada', tenantId: 'acme', kind: 'human', roles: ['admin'] };
export const EDITOR: Principal = { actorId: 'eve', tenantId: 'acme', kind: 'agent', roles: ['editor'] };
export const VIEWER: Principal = { actorId: 'vic', tenantId: 'acme', kind: 'human', roles: ['viewer'] };
export const DIRECTOR: Principal = { actorId: 'dan', tenantId: 'acme', kind: 'human', roles: ['director'] };
export const PLANNER: Principal = { actorId: 'pat', tenantId: 'acme', kind: 'human', roles: ['planner'] };

export function scopeOf(canvasId: string, project = 'p1'): Scope {
  return {
    tenant_id: 'acme',
    project_id: project,
    app_id: 'app',
    surface_id: 'main',
    mode: 'edit',
    canvas_id: canvasId,
  };
}

let counter = 0;
/** A fresh command id. */
export function cid(prefix = 'cmd'): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

export function command(type: string, scope: Scope, payload: unknown, extra: Record<string, unknown> = {}) {
  return { command_id: cid(type.replace('.', '-')), type, scope, payload, ...extra };
}

/** A base64 Yjs update built on a doc synced to `base` (a base64 full state), or a fresh doc. */
export function yUpdate(change: (doc: Y.Doc) => void, base?: Uint8Array): string {
  const doc = new Y.Doc();
  if (base) Y.applyUpdate(doc, base);
  const sv = Y.encodeStateVector(doc);
  doc.transact(() => change(doc));
  return Buffer.from(Y.encodeStateAsUpdate(doc, sv)).toString('base64');
}

/** The lens policy of contract §6 (the shared, frozen example from @easel/schemas). */
export const SECTION_6_POLICY = CONTRACT_EXAMPLE_LENS_POLICY;
