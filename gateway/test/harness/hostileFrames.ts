import * as encoding from 'lib0/encoding';

/** Hocuspocus message types, as a hostile client may send them. */
export const RAW_MSG = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  syncReply: 4,
  stateless: 5,
  broadcastStateless: 6,
  close: 7,
  syncStatus: 8,
} as const;

/** A frame `varString document, varUint type, body` (the body written as given). */
export function rawFrame(document: string, type: number, body: (e: encoding.Encoder) => void = () => {}): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarString(e, document);
  encoding.writeVarUint(e, type);
  body(e);
  return encoding.toUint8Array(e);
}

/** A sync message: `varUint step` then `varUint8Array payload` (step 0 = step 1, 1 = step 2, 2 = update). */
export function syncFrame(document: string, step: number, payload: Uint8Array, type: number = RAW_MSG.sync) {
  return rawFrame(document, type, (e) => {
    encoding.writeVarUint(e, step);
    encoding.writeVarUint8Array(e, payload);
  });
}

/** An auth message with sub-type `sub` (0 = token) and `token`. */
export function authFrame(document: string, token: string, sub = 0): Uint8Array {
  return rawFrame(document, RAW_MSG.auth, (e) => {
    encoding.writeVarUint(e, sub);
    encoding.writeVarString(e, token);
  });
}

/** The sum of a Prometheus metric's samples whose labels include `labels` (0 when absent). */
export async function metricValue(baseUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const res = await fetch(new URL('/metrics', baseUrl));
  const text = await res.text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1]!, l[2]!] as [string, string]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

/** Lines of a child's output that show a crash, an unhandled error or a stack trace. */
export function troubleLines(output: string): string[] {
  return output
    .split('\n')
    .filter((line) =>
      /^\s+at\s|Unhandled|uncaught|TypeError|RangeError|closing connection|Unable to handle message|Received an authentication message/i.test(
        line,
      ),
    );
}
