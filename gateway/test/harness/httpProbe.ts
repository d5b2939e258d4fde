import { type PluginHealth, pluginListSchema } from '@easel/schemas';

/** What an {@link startHttpProbe} loop saw. */
export interface HttpProbeReport {
  /** Rounds completed (each: `/healthz` and `/v1/plugins` in parallel). */
  readonly rounds: number;
  /** Every answer that was not a 200 (or did not arrive), as `path: status/error`. */
  readonly failures: string[];
  /** `/v1/plugins` bodies that did not pass `pluginListSchema`. */
  readonly invalid: string[];
  /** Every (state, reason) seen per plugin, consecutive duplicates dropped. */
  readonly seen: Map<string, Array<{ state: PluginHealth['state']; reason?: string }>>;
}

/**
 * Hits `GET /healthz` and `GET /v1/plugins` on a gateway every `everyMs` ms (each round waits for
 * both answers) until `stop()`, recording non-200s, invalid bodies and the plugin states it saw.
 * Bounded: stops by itself after `maxRounds`.
 */
export function startHttpProbe(
  baseUrl: string,
  token: string,
  options: { everyMs?: number; maxRounds?: number } = {},
): { stop(): Promise<HttpProbeReport> } {
  const everyMs = options.everyMs ?? 3;
  const maxRounds = options.maxRounds ?? 20_000;
  const failures: string[] = [];
  const invalid: string[] = [];
  const seen = new Map<string, Array<{ state: PluginHealth['state']; reason?: string }>>();
  let rounds = 0;
  let running = true;
  const get = async (path: string, auth: boolean): Promise<unknown> => {
    try {
      const res = await fetch(new URL(path, baseUrl), {
        headers: auth ? { authorization: `Bearer ${token}` } : {},
        signal: AbortSignal.timeout(5000),
      });
      const text = await res.text();
      if (res.status !== 200) {
        failures.push(`${path}: ${res.status} ${text.slice(0, 200)}`);
        return undefined;
      }
      return JSON.parse(text);
    } catch (err) {
      failures.push(`${path}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  };
  const loop = (async () => {
    while (running && rounds < maxRounds) {
      const [, list] = await Promise.all([get('/healthz', false), get('/v1/plugins', true)]);
      rounds++;
      if (list !== undefined) {
        const parsed = pluginListSchema.safeParse(list);
        if (!parsed.success) invalid.push(parsed.error.message.slice(0, 300));
        else {
          for (const item of parsed.data.plugins) {
            const states = seen.get(item.name) ?? [];
            const last = states.at(-1);
            if (!last || last.state !== item.state || last.reason !== item.reason) {
              states.push({ state: item.state, ...(item.reason !== undefined ? { reason: item.reason } : {}) });
            }
            seen.set(item.name, states);
          }
        }
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { rounds, failures, invalid, seen };
    },
  };
}
