/** `--port <p>` from argv (0 = any free port). */
export function portFromArgv(argv: readonly string[]): number {
  const at = argv.indexOf('--port');
  const port = at >= 0 ? Number(argv[at + 1]) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad --port: ${argv[at + 1]}`);
  return port;
}

/** Reads a whole request body as a string, refusing more than `limit` bytes. */
export function readBody(req: import('node:http').IncomingMessage, limit = 64 * 1024): Promise<string | null> {
  return new Promise((resolve) => {
    let size = 0;
    const parts: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) parts.push(chunk);
    });
    req.on('end', () => resolve(size <= limit ? Buffer.concat(parts).toString('utf8') : null));
    req.on('error', () => resolve(null));
  });
}

/** Exits cleanly on SIGTERM / SIGINT (the bench stops servers with SIGTERM). */
export function exitOnSignals(close: () => void): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      close();
      process.exit(0);
    });
  }
}
