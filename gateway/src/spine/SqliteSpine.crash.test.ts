import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventSpine, StoredEvent } from '../core/spine/EventSpine.ts';
import { mustOpen, tempDir } from './sqliteTestHarness.ts';

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const writer = fileURLToPath(new URL('./crashWriter.ts', import.meta.url));

interface Ack {
  readonly seq: number;
  readonly tag: number;
}

/** Runs the writer until it printed `minAcks` acks (or 15 s passed), then kill -9s it. */
function runAndKill(path: string, durability: string, mode: string, minAcks: number): Promise<Ack[][]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsxLoader, writer, path, durability, mode], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acks: Ack[][] = [[], []];
    let count = 0;
    let buffered = '';
    let stderr = '';
    const guard = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [word, partition, seq, tag] = line.split(' ');
        if (word !== 'ack') continue;
        acks[Number(partition)]?.push({ seq: Number(seq), tag: Number(tag) });
        if (++count === minAcks) child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited by itself (${code}): ${stderr}`));
      else resolve(acks);
    });
  });
}

async function readAll(spine: EventSpine, partition: string): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for (let i = 0; i < 1000; i++) {
    const page = await spine.read(partition, out.at(-1)?.seq ?? 0, { limit: 1000 });
    if (page.length === 0) return out;
    out.push(...page);
  }
  throw new Error('partition too long for the test');
}

describe('SqliteSpine under kill -9', () => {
  const removers: Array<() => void> = [];
  afterEach(() => {
    for (const remove of removers.splice(0)) remove();
  });

  for (const [durability, mode] of [
    ['full', 'worker'],
    ['normal', 'worker'],
    ['full', 'pipelined'],
  ] as const) {
    it(`[CONTRACT 4] every acknowledged append survives kill -9 exactly once, gap-free (${durability}, ${mode} writer)`, async () => {
      const { dir, remove } = tempDir();
      removers.push(remove);
      const path = join(dir, 'crash.db');
      const acks = await runAndKill(path, durability, mode, 3000);
      const spine = mustOpen({ path, durability, writer: mode });
      for (const [partition, acked] of acks.entries()) {
        const name = `crash/p${partition}`;
        const rows = await readAll(spine, name);
        expect(acked.length).toBeGreaterThan(100);
        // Gap-free from 1, and no tag stored twice.
        expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
        const tags = rows.map((r) => (JSON.parse(r.envelope) as { tag: number }).tag);
        expect(new Set(tags).size).toBe(tags.length);
        // Every ack is there, at the seq it was acknowledged with.
        for (const ack of acked) expect(tags[ack.seq - 1]).toBe(ack.tag);
        const last = acked.at(-1) as Ack;
        expect(await spine.lookupCommand(name, `cmd-${last.tag}`)).toEqual({
          cursor: `e-${last.seq}`,
          revision: last.tag,
        });
        const head = await spine.head(name);
        expect(head).toBe(rows.length);
        expect(spine.append({ partition: name, events: [] }).seqs).toEqual([]);
        const next = spine.append({ partition: name, events: [{ type: 'x', canvasId: null, envelope: '{}' }] });
        expect(next.seqs).toEqual([head + 1]);
        await next.durable;
      }
      await spine.close();
    }, 30_000);
  }
});
