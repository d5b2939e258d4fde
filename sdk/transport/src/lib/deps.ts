import type { ValidationMode } from './validation.ts';

/**
 * Side effects the transport uses, injected so that tests run with fake timers, a scripted
 * fetch and a seeded random. Every field defaults to the global.
 */

/** The timer functions the transport uses; `globalThis` by default. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Where the transport reports what it does; silent by default. */
export interface TransportLogger {
  debug?(message: string, data?: unknown): void;
  info?(message: string, data?: unknown): void;
  warn?(message: string, data?: unknown): void;
  error?(message: string, data?: unknown): void;
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** Resolved side effects shared by every part of one transport. */
export interface Deps {
  readonly fetch: FetchLike;
  readonly timers: Timers;
  readonly random: () => number;
  readonly now: () => number;
  readonly logger: TransportLogger;
  /** How answers and frames are validated (absent: `structural`). */
  readonly validate?: ValidationMode;
}

export interface DepsOptions {
  /** `fetch` to use (default: the global `fetch`). Must support streaming response bodies. */
  fetch?: FetchLike;
  /** Timer functions (default: the global `setTimeout` / `clearTimeout`). */
  timers?: Timers;
  /** Uniform random in [0, 1) used for jitter and ids (default: `Math.random`). */
  random?: () => number;
  /** Clock in epoch milliseconds (default: `Date.now`). */
  now?: () => number;
  /** Logger (default: silent). */
  logger?: TransportLogger;
  /**
   * How frames, HTTP answers and presence states are validated. `structural` (default): the guards
   * generated from the zod schemas — what zod accepts except the schemas' cross-field `.refine`
   * rules, no zod in the bundle. `full`: the zod schemas themselves, refinements included, loaded
   * with `import()` (a separate chunk) before the first frame or answer. Example: `validate: 'full'`.
   */
  validate?: ValidationMode;
}

const globalTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

export function resolveDeps(options: DepsOptions): Deps {
  return {
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    timers: options.timers ?? globalTimers,
    random: options.random ?? Math.random,
    now: options.now ?? Date.now,
    logger: options.logger ?? {},
    ...(options.validate === 'full' ? { validate: 'full' as const } : {}),
  };
}
