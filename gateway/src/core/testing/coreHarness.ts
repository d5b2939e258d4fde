import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scope } from '@easel/schemas';
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

/** The section 6 lens policy. */
export const SECTION_6_POLICY = {
  roles: {
    director: {
      tokens: { read: ['*'], write: ['*'] },
      state: { read: ['*'], write: ['*'] },
      sidecars: { see: true, resolve: true },
      commands: ['*'],
    },
    planner: {
      tokens: { read: ['plan.*'], write: ['plan.*'] },
      state: { read: ['*'], write: ['notes'] },
      sidecars: { see: false, resolve: false },
      commands: ['token.*', 'state.*', 'chat.send'],
    },
  },
  default_role: 'viewer',
};
