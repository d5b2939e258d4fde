/**
 * Child process of `SqliteSpine.crash.test.ts`: appends to two partitions with 32 appenders and
 * prints `ack <partition> <seq> <tag>` for every acknowledged append (stdout to a pipe is
 * synchronous on Linux, so a printed ack happened). Runs until killed, or 20 s at most.
 * Usage: node --import tsx crashWriter.ts <file> <full|normal> [worker|inline|pipelined]
 */
import { openSqliteSpine, SQLITE_WRITERS, type SqliteWriter } from './openSqliteSpine.ts';

const [path, durability, writerArg] = process.argv.slice(2);
const writer = writerArg as SqliteWriter | undefined;
if (
  path === undefined ||
  (durability !== 'full' && durability !== 'normal') ||
  (writer !== undefined && !SQLITE_WRITERS.includes(writer))
) {
  process.stderr.write('usage: crashWriter.ts <file> <full|normal> [worker|inline|pipelined]\n');
  process.exit(2);
}
const opened = openSqliteSpine({ path, durability, ...(writer === undefined ? {} : { writer }) });
if (!opened.ok) {
  process.stderr.write(`${opened.error.message}\n`);
  process.exit(1);
}
const spine = opened.value;
const deadline = Date.now() + 20_000;
let tag = 0;

async function appender(): Promise<void> {
  while (Date.now() < deadline) {
    const t = tag++;
    const partition = `crash/p${t % 2}`;
    const envelope = JSON.stringify({ v: 1, tag: t });
    const { durable } = spine.append({
      partition,
      events: [{ type: 'token_patch', canvasId: 'c', envelope }],
      commandId: `cmd-${t}`,
      outcome: (seq) => ({ cursor: `e-${seq}`, revision: t }),
    });
    const { seqs } = await durable;
    process.stdout.write(`ack ${t % 2} ${seqs[0]} ${t}\n`);
  }
}

process.stdout.write('ready\n');
await Promise.all(Array.from({ length: 32 }, appender));
await spine.close();
