import http from 'node:http';
import type { FrameSink } from './FrameSink.ts';
import { countMarkers, MARKER_BYTES, scanSeqs } from './FrameSink.ts';

/** One open SSE reader. */
export interface Reader {
  close(): void;
}

const agent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });

/**
 * Opens a minimal SSE reader: a plain `GET` over node:http that counts marked frames (byte search
 * for the payload marker, including one split across chunks) or, when the sink tracks latency,
 * parses each frame's sequence number. Resolves once the response headers arrive with 200, or,
 * with `readyAfter`, once the frame containing that text has arrived whole.
 */
export function openSseReader(
  url: string,
  headers: Record<string, string> | undefined,
  readyAfter: string | undefined,
  sink: FrameSink,
  timeoutMs: number,
): Promise<Reader> {
  return new Promise((resolve, reject) => {
    let opened = false;
    const req = http.get(url, { agent, headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      if (res.statusCode !== 200) {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (text: string) => {
          if (body.length < 500) body += text;
        });
        res.on('end', () => reject(new Error(`SSE ${url}: HTTP ${res.statusCode} ${body.slice(0, 300)}`)));
        return;
      }
      const tailLength = MARKER_BYTES.length - 1;
      let tail: Buffer | null = null;
      let carry = '';
      let ready = readyAfter === undefined;
      let preamble = '';
      const reader: Reader = {
        close() {
          closing = true;
          req.destroy();
        },
      };
      const count = (chunk: Buffer): void => {
        const onSeq = sink.onSeq;
        if (onSeq !== null) {
          carry = scanSeqs(carry + chunk.toString('latin1'), onSeq);
          return;
        }
        let n = countMarkers(chunk);
        if (tail !== null) n += countMarkers(Buffer.concat([tail, chunk.subarray(0, tailLength)]));
        tail = Buffer.from(chunk.subarray(Math.max(0, chunk.length - tailLength)));
        sink.frames += n;
      };
      const open = (): void => {
        opened = true;
        clearTimeout(timer);
        resolve(reader);
      };
      res.on('data', (chunk: Buffer) => {
        if (ready) {
          count(chunk);
          return;
        }
        // Before the stream is live: wait for the end of the frame that holds `readyAfter`.
        preamble += chunk.toString('latin1');
        const at = preamble.indexOf(readyAfter!);
        const end = at === -1 ? -1 : preamble.indexOf('\n\n', at);
        if (end === -1) {
          if (preamble.length > 16 * 1024 * 1024) req.destroy(new Error('ready frame too large'));
          return;
        }
        ready = true;
        const rest = Buffer.from(preamble.slice(end + 2), 'latin1');
        preamble = '';
        open();
        if (rest.length > 0) count(rest);
      });
      res.on('close', () => {
        if (!closing && opened) sink.readersLost += 1;
        if (!opened) {
          clearTimeout(timer);
          reject(new Error(`SSE ${url}: closed before ${readyAfter ?? 'opening'}`));
        }
      });
      if (ready) open();
    });
    let closing = false;
    const timer = setTimeout(() => {
      if (!opened) {
        req.destroy();
        reject(new Error(`SSE ${url}: no response within ${timeoutMs} ms`));
      }
    }, timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      if (!opened) reject(error);
    });
  });
}
