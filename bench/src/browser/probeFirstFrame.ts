/**
 * Node probe (no browser): for the seeded 10k-block doc, times request → headers → first byte →
 * first frame complete for the paint-first SSE stream, beside the plain `GET /v1/canvases/{id}`
 * JSON fetch, interleaved. Run from bench/src: `pnpm exec tsx browser/probeFirstFrame.ts [n]`.
 */
import { request } from 'node:http';
import { DevGateway } from '../../../e2e/browser/support/DevGateway.ts';
import { median, BIG_DOC_BLOCKS } from './withBigDocBench.ts';
import { scope, seedBigDoc } from './runBrowserBench.ts';

interface Timing {
  headers: number;
  firstByte: number;
  frame: number;
  bytes: number;
  chunks: number;
}

function time(url: string, token: string, sse: boolean): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(
      url,
      { headers: { authorization: `Bearer ${token}`, accept: sse ? 'text/event-stream' : '*/*' } },
      (res) => {
        const headers = performance.now() - t0;
        let firstByte = -1;
        let bytes = 0;
        let chunks = 0;
        let tail = '';
        let seen = false;
        res.on('data', (chunk: Buffer) => {
          if (firstByte < 0) firstByte = performance.now() - t0;
          bytes += chunk.length;
          chunks++;
          if (sse) {
            const s = tail + chunk.toString('latin1');
            const at = s.indexOf('event: CANVAS_READY\n');
            if (at >= 0) seen = true;
            if (seen && s.indexOf('\n\n', Math.max(0, at)) >= 0) {
              const frame = performance.now() - t0;
              req.destroy();
              resolve({ headers, firstByte, frame, bytes, chunks });
            }
            tail = s.slice(-40);
          }
        });
        res.on('end', () => resolve({ headers, firstByte, frame: performance.now() - t0, bytes, chunks }));
        res.on('error', () => undefined);
      },
    );
    req.on('error', (e) =>
      e.message.includes('aborted') || (e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e),
    );
    req.end();
  });
}

const n = Number(process.argv[2] ?? 10);
const gateway = await DevGateway.start({ startTimeoutMs: 240_000 });
try {
  const admin = (await gateway.token('bench-admin', ['admin'])).token;
  await seedBigDoc(gateway, admin, BIG_DOC_BLOCKS);
  const { canvas_id, ...rest } = scope('big-doc');
  const q = new URLSearchParams(rest as Record<string, string>).toString();
  const sseUrl = `${gateway.url}/v1/canvases/${canvas_id}/events?${q}&paint=state`;
  const jsonUrl = `${gateway.url}/v1/canvases/${canvas_id}?${q}`;
  const rows: Record<string, Timing[]> = { sse: [], json: [] };
  for (let i = 0; i < n + 2; i++) {
    const order = i % 2 === 0 ? (['sse', 'json'] as const) : (['json', 'sse'] as const);
    for (const k of order) {
      const t = await time(k === 'sse' ? sseUrl : jsonUrl, admin, k === 'sse');
      if (i >= 2) rows[k]!.push(t);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  for (const [k, ts] of Object.entries(rows)) {
    const m = (f: (t: Timing) => number) => median(ts.map(f)).toFixed(1);
    console.log(
      `${k}: headers ${m((t) => t.headers)} ms, first byte ${m((t) => t.firstByte)} ms, first frame/body ${m((t) => t.frame)} ms, bytes ${m((t) => t.bytes)}, chunks ${m((t) => t.chunks)}`,
    );
  }
} finally {
  await gateway.dispose();
}
