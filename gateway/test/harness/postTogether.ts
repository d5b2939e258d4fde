import { connect, type Socket } from 'node:net';

/** One answer of {@link postTogether}: its status, its body parsed as JSON (if any) and the raw bytes. */
export interface TogetherAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: parsed test data
  json: any;
  raw: string;
}

/**
 * POSTs `body` to `path` on every URL of `targets` (a URL may repeat: one request each) with
 * `token`: every connection is opened before any request is written, then all are written in one
 * go, so the gateway(s) handle them side by side (races). Answers in the order of `targets`; a
 * connection not closed within `waitMs` is cut (bounded).
 */
export async function postTogether(
  targets: readonly string[],
  token: string,
  path: string,
  body: unknown,
  waitMs = 20_000,
): Promise<TogetherAnswer[]> {
  const text = JSON.stringify(body);
  const urls = targets.map((t) => new URL(t));
  const sockets = await Promise.all(
    urls.map(
      (url) =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect({ host: url.hostname, port: Number(url.port) }, () => resolve(socket));
          socket.once('error', reject);
        }),
    ),
  );
  const answers = sockets.map(
    (socket) =>
      new Promise<string>((resolve) => {
        const chunks: Buffer[] = [];
        const timer = setTimeout(() => socket.destroy(), waitMs);
        socket.on('data', (c: Buffer) => chunks.push(c));
        socket.on('close', () => {
          clearTimeout(timer);
          resolve(Buffer.concat(chunks).toString('utf8'));
        });
      }),
  );
  sockets.forEach((socket, i) => {
    socket.write(
      [
        `POST ${path} HTTP/1.1`,
        `Host: ${urls[i]!.host}`,
        `Authorization: Bearer ${token}`,
        'Content-Type: application/json',
        `Content-Length: ${Buffer.byteLength(text)}`,
        'Connection: close',
        '',
        text,
      ].join('\r\n'),
    );
  });
  return (await Promise.all(answers)).map((raw) => {
    const at = raw.indexOf('\r\n\r\n');
    const json = at === -1 ? '' : raw.slice(at + 4);
    return { status: Number(raw.split(' ')[1]), json: json ? JSON.parse(json) : undefined, raw };
  });
}
