import type { PluginInvokeResult } from '@easel/schemas';

const texts = new WeakMap<PluginInvokeResult, string>();

/**
 * The JSON text of a successful call's `value` exactly as the plugin process sent it (the host parsed
 * it from this text and validated the parsed value), or undefined when there is none (a failed
 * call, a value that came as MessagePack — plain JSON data, see `sandbox/frames.mjs` — or a result
 * that did not come from a plugin process: serialize `value` then). Lets the HTTP layer answer with
 * the plugin's bytes instead of serializing the value again.
 */
export function resultValueJson(result: PluginInvokeResult): string | undefined {
  return texts.get(result);
}

/** Records `json` as the text of `result.value` (see {@link resultValueJson}); returns `result`. */
export function withValueJson(result: PluginInvokeResult, json: string | undefined): PluginInvokeResult {
  if (json !== undefined && result.ok) texts.set(result, json);
  return result;
}
