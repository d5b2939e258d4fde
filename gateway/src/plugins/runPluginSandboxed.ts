import { performance } from 'node:perf_hooks';
import type { JsonValue, PluginInvokeResult } from '@easel/schemas';
import type { EntryOwner } from './inspector/RecentLog.ts';
import { describeSchemaErrors } from './loading/toolValidators.ts';
import type { PluginCallObserver, PluginCallOptions } from './PluginHost.ts';
import type { Lease, PluginSlot } from './registry/PluginSlot.ts';
import { withValueJson } from './resultValueJson.ts';
import type { CallOutcome } from './sandbox/PluginProcess.ts';

let nextCallId = 1;

const NO_OPTIONS: PluginCallOptions = {};
const NOT_LEASED: Lease = { ok: false, kind: 'aborted', message: '' };

/**
 * The one sandbox entry point (contract §9): every plugin call in the gateway, built-in or not,
 * goes through here. Validates the input against the tool's JSON Schema, gets a process from the
 * plugin's slot (breaker, backoff, single-flight start), runs the call in the child with the tool's
 * timeout (then SIGKILL), validates the output, and books the outcome. Never rejects.
 *
 * The common case (the plugin is RUNNING) takes no promise besides the call's own, and allocates no
 * closure per call.
 */
export async function runPluginSandboxed(
  slot: PluginSlot,
  tool: string,
  input: JsonValue,
  options: PluginCallOptions = NO_OPTIONS,
): Promise<PluginInvokeResult> {
  const started = performance.now();
  try {
    if (!slot.manifest && slot.currentPhase === 'UNAVAILABLE') {
      return failed(started, 'unavailable', slot.reason() ?? 'unavailable');
    }
    const spec = slot.manifest && Object.hasOwn(slot.manifest.tools, tool) ? slot.manifest.tools[tool] : undefined;
    if (!spec) return failed(started, 'not_found', `plugin ${slot.name} has no tool ${tool}`);
    const validators = slot.validators.get(tool);
    if (!validators || slot.currentPhase === 'UNAVAILABLE') {
      return failed(started, 'unavailable', slot.reason() ?? 'unavailable');
    }
    if (!validators.input(input)) {
      return failed(started, 'invalid_input', describeSchemaErrors('input', validators.input.errors));
    }
    if (options.signal?.aborted) {
      return book(slot, tool, NOT_LEASED, failed(started, 'aborted', 'the call was aborted'), ownerOf(options));
    }
    const lease = slot.tryAcquire() ?? (await slot.acquire(options.signal));
    const owner = ownerOf(options);
    if (!lease.ok) return book(slot, tool, lease, failed(started, lease.kind, lease.message), owner);
    const timeoutMs = Math.max(1, Math.min(spec.timeout_ms, options.timeoutMs ?? spec.timeout_ms));
    const sent = performance.now();
    const outcome: CallOutcome = await lease.proc.call(
      nextCallId++,
      tool,
      input,
      new CallObserver(slot, tool, options, owner),
      timeoutMs,
      options.signal,
      callerKey(options),
    );
    slot.inspector.recordTiming(tool, performance.now() - sent);
    if (!outcome.ok) return book(slot, tool, lease, failed(started, outcome.kind, outcome.message), owner);
    if (!validators.output(outcome.value)) {
      const message = describeSchemaErrors('output', validators.output.errors);
      return book(slot, tool, lease, failed(started, 'invalid_output', message), owner);
    }
    return book(
      slot,
      tool,
      lease,
      withValueJson({ ok: true, value: outcome.value, ms: elapsed(started) }, outcome.json),
      owner,
    );
  } catch (err) {
    // A bug of the host itself: still a value, never a rejection.
    return failed(started, 'crashed', `plugin host error: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Books the outcome of a call that got as far as the slot (its error is `owner`'s), and returns it. */
function book(
  slot: PluginSlot,
  tool: string,
  lease: Lease,
  result: PluginInvokeResult,
  owner: EntryOwner,
): PluginInvokeResult {
  if (result.ok) slot.release(lease, tool, true, null, null, owner);
  else slot.release(lease, tool, false, result.error.kind, result.error.message, owner);
  return result;
}

/** Whose the call's warnings and errors are: its caller's, or nobody's when it named no tenant. */
function ownerOf(options: PluginCallOptions): EntryOwner {
  return options.caller ?? 'unattributed';
}

/**
 * The process's key of the call's caller (tenant and project): a crash's stderr line goes only to
 * the calls of the one caller in flight (see `PluginProcess.call`). Undefined when it named none.
 */
function callerKey(options: PluginCallOptions): string | undefined {
  const caller = options.caller;
  return caller ? JSON.stringify([caller.tenantId, caller.projectId ?? null]) : undefined;
}

function failed(started: number, kind: string, message: string): PluginInvokeResult {
  return {
    ok: false,
    error: { kind, message: message.length > 2000 ? `${message.slice(0, 1999)}…` : message },
    ms: elapsed(started),
  };
}

/** Forwards progress, warnings and partial results to the caller, and warnings to the inspector. */
class CallObserver implements PluginCallObserver {
  constructor(
    private readonly slot: PluginSlot,
    private readonly tool: string,
    private readonly options: PluginCallOptions,
    private readonly owner: EntryOwner,
  ) {}

  onProgress(percent: number): void {
    this.options.onProgress?.(percent);
  }

  onWarning(message: string): void {
    this.slot.inspector.recordWarning(message, this.tool, this.owner);
    this.options.onWarning?.(message);
  }

  onPartial(payload: JsonValue): void {
    this.options.onPartial?.(payload);
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}
