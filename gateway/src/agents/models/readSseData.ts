/** One `data:` payload of a server-sent event stream, or why reading stopped. */
export type SseData = { kind: 'data'; text: string } | { kind: 'error'; message: string };

/**
 * Reads a `text/event-stream` body: yields the `data` of each event (multi-line data joined
 * with `\n`), ignores comments and other fields. Ends when the body ends or `signal` aborts;
 * yields one `error` (and ends) when the body fails or sends nothing for `idleMs`. Never throws.
 */
export async function* readSseData(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
  idleMs: number,
): AsyncGenerator<SseData> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  try {
    // Bounded by the body: each read consumes bytes or ends the loop.
    for (;;) {
      if (signal.aborted) return;
      const next = await readWithin(reader, idleMs);
      if (next === 'timeout') {
        yield { kind: 'error', message: `the model sent nothing for ${idleMs} ms` };
        return;
      }
      if (next instanceof Error) {
        if (!signal.aborted) yield { kind: 'error', message: `the model stream failed: ${next.message}` };
        return;
      }
      if (next.done) break;
      buffer += decoder.decode(next.value, { stream: true });
      let nl = buffer.indexOf('\n');
      while (nl !== -1) {
        const line = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        if (line === '') {
          if (data.length > 0) yield { kind: 'data', text: data.join('\n') };
          data = [];
        } else if (line.startsWith('data:')) {
          data.push(line.slice(line.charCodeAt(5) === 32 ? 6 : 5));
        }
        nl = buffer.indexOf('\n');
      }
    }
    const rest = buffer.trim();
    if (rest.startsWith('data:')) data.push(rest.slice(5).trimStart());
    if (data.length > 0) yield { kind: 'data', text: data.join('\n') };
  } finally {
    reader.cancel().catch(() => {});
  }
}

async function readWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  ms: number,
): Promise<ReadableStreamReadResult<Uint8Array> | 'timeout' | Error> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      reader.read(),
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), ms);
      }),
    ]);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  } finally {
    clearTimeout(timer);
  }
}
