import type { FetchLike } from '@easel/transport';

export interface FlakyStats {
  streamsBroken: number;
  acksLost: number;
}

/**
 * A `fetch` with a bad network, seeded: SSE bodies break off after a random chunk (the client
 * must resume from its cursor), and some command answers are lost after the gateway applied
 * the command (the client must retry under the same command_id and get `duplicate`).
 */
export function flakyFetch(
  random: () => number,
  options: { breakChunk?: number; loseAck?: number } = {},
): { fetch: FetchLike; stats: FlakyStats } {
  const stats: FlakyStats = { streamsBroken: 0, acksLost: 0 };
  const breakChunk = options.breakChunk ?? 0.05;
  const loseAck = options.loseAck ?? 0.1;
  const flaky: FetchLike = async (input, init) => {
    const response = await fetch(input, init);
    if (init?.method === 'POST') {
      if (random() < loseAck) {
        await response.arrayBuffer().catch(() => undefined); // applied, but the answer never arrives
        stats.acksLost += 1;
        throw new TypeError('fetch failed (answer lost by the flaky network)');
      }
      return response;
    }
    if (response.status !== 200 || response.body === null) return response;
    const reader = response.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            controller.close();
            return;
          }
          controller.enqueue(value);
          if (random() < breakChunk) {
            stats.streamsBroken += 1;
            await reader.cancel().catch(() => undefined);
            controller.error(new TypeError('terminated (connection dropped by the flaky network)'));
          }
        } catch (error) {
          controller.error(error);
        }
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return { fetch: flaky, stats };
}
