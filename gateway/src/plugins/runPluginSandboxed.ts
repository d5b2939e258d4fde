import { performance } from 'node:perf_hooks';
import type { JsonValue, PluginInvokeResult } from '@easel/schemas';
import { describeSchemaErrors } from './loading/compileToolValidators.ts';
import type { PluginCallObserver, PluginCallOptions } from './PluginHost.ts';
import type { Lease, PluginSlot } from './registry/PluginSlot.ts';
import type { CallOutcome } from './sandbox/PluginProcess.ts';

let nextCallId = 1;

/**
 * The one sandbox entry point (contract §9): every plugin call in the gateway, built-in or not,
 * goes through here. Validates the input against the tool's JSON Schema, gets a process from the
 * plugin's slot (breaker, backoff, single-flight start), runs the call in the child with the tool's
 * timeout (then SIGKILL), validates the output, and books the outcome. Never rejects.
 */
export async function runPluginSandboxed(
  slot: PluginSlot,
  tool: string,
  input: JsonValue,
  options: PluginCallOptions = {},
): Promise<PluginInvokeResult> {
  const started = performance.now();
  const fail = (kind: string, message: string): PluginInvokeResult => ({
    ok: false,
    error: { kind, message: message.length > 2000 ? `${message.slice(0, 1999)}…` : message },
    ms: elapsed(started),
  });
  try {
    if (!slot.manifest && slot.currentPhase === 'UNAVAILABLE') {
      return fail('unavailable', slot.reason() ?? 'unavailable');
    }
    const spec = slot.manifest && Object.hasOwn(slot.manifest.tools, tool) ? slot.manifest.tools[tool] : undefined;
    if (!spec) return fail('not_found', `plugin ${slot.name} has no tool ${tool}`);
    const validators = slot.validators.get(tool);
    if (!validators || slot.currentPhase === 'UNAVAILABLE') {
      return fail('unavailable', slot.reason() ?? 'unavailable');
    }
    if (!validators.input(input)) return fail('invalid_input', describeSchemaErrors('input', validators.input.errors));
    const book = (lease: Lease, result: PluginInvokeResult): PluginInvokeResult => {
      slot.release(
        lease,
        tool,
        result.ok,
        result.ok ? null : result.error.kind,
        result.ok ? null : result.error.message,
      );
      return result;
    };
    if (options.signal?.aborted) {
      return book({ ok: false, kind: 'aborted', message: '' }, fail('aborted', 'the call was aborted'));
    }
    const lease = slot.tryAcquire() ?? (await slot.acquire(options.signal));
    if (!lease.ok) return book(lease, fail(lease.kind, lease.message));
    const timeoutMs = Math.max(1, Math.min(spec.timeout_ms, options.timeoutMs ?? spec.timeout_ms));
    const sent = performance.now();
    const outcome: CallOutcome = await lease.proc.call(
      nextCallId++,
      tool,
      input,
      observerFor(slot, tool, options),
      timeoutMs,
      options.signal,
    );
    slot.inspector.recordTiming(tool, performance.now() - sent);
    if (!outcome.ok) return book(lease, fail(outcome.kind, outcome.message));
    if (!validators.output(outcome.value)) {
      return book(lease, fail('invalid_output', describeSchemaErrors('output', validators.output.errors)));
    }
    return book(lease, { ok: true, value: outcome.value, ms: elapsed(started) });
  } catch (err) {
    // A bug of the host itself: still a value, never a rejection.
    return fail('crashed', `plugin host error: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Forwards progress, warnings and partial results to the caller, and warnings to the inspector. */
function observerFor(slot: PluginSlot, tool: string, options: PluginCallOptions): PluginCallObserver {
  return {
    onProgress: (percent) => options.onProgress?.(percent),
    onWarning: (message) => {
      slot.inspector.recordWarning(message, tool);
      options.onWarning?.(message);
    },
    onPartial: (payload) => options.onPartial?.(payload),
  };
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}
