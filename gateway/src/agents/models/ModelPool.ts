import { fail, ok, type Result } from '../../core/errors/GatewayError.ts';
import type { ModelAdapter } from './ModelAdapter.ts';

/** `model_status` values (contract §4). */
export type ModelStatus = 'selected' | 'loading' | 'ready' | 'switching';

/** Reports a status change of the model serving a request. */
export type ModelStatusListener = (status: ModelStatus, model: string, detail?: string) => void;

/** Options of {@link ModelPool}. */
export interface ModelPoolOptions {
  /** Name of the model used when none is asked for. Default: the first registered. */
  defaultModel?: string;
}

interface Slot {
  readonly create: () => ModelAdapter;
  adapter: ModelAdapter | null;
  /** Settles once the adapter is warm (shared by concurrent acquirers). */
  warming: Promise<void> | null;
}

/**
 * The warm pool seam: named model factories, created on first use, warmed once (`warm()`), then
 * kept for reuse. `acquire` reports `selected → loading → ready` for a cold model and
 * `selected → ready` for a warm one; `switching` first when the caller (a session) had another
 * model before. A pool of real local weights would evict here; adapters over HTTP stay cheap.
 */
export class ModelPool {
  private readonly slots = new Map<string, Slot>();
  private defaultName: string | undefined;

  constructor(options: ModelPoolOptions = {}) {
    this.defaultName = options.defaultModel;
  }

  /** Registers (or replaces) a model under its name. The first registered is the default. */
  register(name: string, create: () => ModelAdapter): void {
    this.slots.set(name, { create, adapter: null, warming: null });
    this.defaultName ??= name;
  }

  /** Names of the registered models. */
  names(): string[] {
    return [...this.slots.keys()];
  }

  get defaultModel(): string | undefined {
    return this.defaultName;
  }

  /**
   * The adapter named `name` (default model when undefined), warm. `previous`: the model the
   * session used before (`switching` is reported when it differs). Unknown name → `not_found`.
   */
  async acquire(
    name: string | undefined,
    onStatus: ModelStatusListener,
    previous?: string,
  ): Promise<Result<ModelAdapter>> {
    const chosen = name ?? this.defaultName;
    const slot = chosen === undefined ? undefined : this.slots.get(chosen);
    if (chosen === undefined || slot === undefined) {
      return fail('not_found', `model '${chosen ?? ''}' is not configured; configured: ${this.names().join(', ')}`);
    }
    if (previous !== undefined && previous !== chosen) onStatus('switching', chosen, `from ${previous}`);
    onStatus('selected', chosen);
    if (slot.adapter === null) slot.adapter = slot.create();
    const adapter = slot.adapter;
    if (slot.warming === null) {
      onStatus('loading', chosen);
      slot.warming = (adapter.warm?.() ?? Promise.resolve()).catch(() => {});
    }
    await slot.warming;
    onStatus('ready', chosen);
    return ok(adapter);
  }

  /** Closes every created adapter. */
  async close(): Promise<void> {
    const adapters = [...this.slots.values()].map((s) => s.adapter).filter((a): a is ModelAdapter => a !== null);
    for (const slot of this.slots.values()) {
      slot.adapter = null;
      slot.warming = null;
    }
    await Promise.all(adapters.map((a) => a.close?.().catch(() => {})));
  }
}
