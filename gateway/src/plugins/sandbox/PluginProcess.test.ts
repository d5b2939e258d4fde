import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { OPERATOR_VIEW } from '../inspector/RecentLog.ts';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPluginHost, type SandboxPluginHost } from '../openPluginHost.ts';
import type { PluginHostLimits } from '../PluginHostLimits.ts';
import { resultValueJson } from '../resultValueJson.ts';
import { alive, waitFor } from '../testing/pluginTestKit.ts';

// A plugin that abuses the message channel (fd 3 of its process) the way a buggy or dying one could.
const ENTRY = `
import { writeSync } from 'node:fs';
const CHANNEL_FD = 3;
const header = (n) => { const b = Buffer.alloc(4); b.writeUInt32BE(n, 0); return b; };
export const tools = {
  pid: async () => ({ pid: process.pid }),
  // The first half of a result frame, then death: the host must see a crash, not wait.
  half_frame_then_exit: async () => {
    writeSync(CHANNEL_FD, Buffer.concat([header(100), Buffer.from('{"t":"result","id"')]));
    process.exit(3);
  },
  // Half a frame, then silence while alive: the call's timeout applies.
  half_frame_then_hang: async () => {
    writeSync(CHANNEL_FD, Buffer.concat([header(100), Buffer.from('{"t":"res')]));
    return new Promise(() => {});
  },
  oversized_frame: async () => {
    writeSync(CHANNEL_FD, header(0xfffffff0));
    return new Promise(() => {});
  },
  garbage_frame: async () => {
    writeSync(CHANNEL_FD, Buffer.concat([header(5), Buffer.from('{{{{{')]));
    return new Promise(() => {});
  },
  big_result: async (input) => ({ text: 'z'.repeat(input.bytes) }),
  big_partial: async (input, ctx) => {
    try {
      ctx.partial({ text: 'z'.repeat(input.bytes) });
      return { threw: null };
    } catch (err) {
      return { threw: err.message };
    }
  },
  echo: async (input) => input,
  // A result whose body claims to be MessagePack but is a Date (timestamp extension), or garbage.
  msgpack_date_body: async () => {
    const head = Buffer.from(JSON.stringify({ t: 'result', id: 0, ok: true, $body: 'value', $codec: 'msgpack' }));
    const body = Buffer.from([0xd6, 0xff, 0, 0, 0, 0]);
    writeSync(CHANNEL_FD, Buffer.concat([header(head.length), head, header(body.length), body]));
    return new Promise(() => {});
  },
  msgpack_garbage_body: async () => {
    const head = Buffer.from(JSON.stringify({ t: 'result', id: 0, ok: true, $body: 'value', $codec: 'msgpack' }));
    const body = Buffer.from([0x92, 0xc1]);
    writeSync(CHANNEL_FD, Buffer.concat([header(head.length), head, header(body.length), body]));
    return new Promise(() => {});
  },
  // Values JSON changes: the plugin sees JSON semantics both ways, whatever the channel's encoding.
  json_semantics: async (input, ctx) => {
    ctx.partial({ when: new Date(0), n: NaN });
    ctx.partial({ plain: [1, 'two', { three: 3 }] });
    return { when: new Date(0), gone: undefined, list: [undefined, NaN, Infinity], input, inputKinds: Object.keys(input).map((k) => [k, typeof input[k], Object.getPrototypeOf(input[k] ?? {}) === Object.prototype]) };
  },
};
`;

const tool = (timeout_ms = 5000) => ({
  description: 'a channel fault',
  timeout_ms,
  memory_mb: 64,
  idempotent: true,
  input: { type: 'object' },
  output: { type: 'object' },
});

const MANIFEST = {
  name: 'channel-faults',
  version: '1.0.0',
  description: 'Writes broken frames to the message channel.',
  entry: 'index.mjs',
  device: 'cpu',
  tools: {
    pid: tool(),
    half_frame_then_exit: tool(),
    half_frame_then_hang: tool(400),
    oversized_frame: tool(),
    garbage_frame: tool(),
    big_result: tool(),
    big_partial: tool(),
    echo: tool(),
    msgpack_date_body: tool(),
    msgpack_garbage_body: tool(),
    json_semantics: tool(),
  },
};

let dir = '';
const hosts: SandboxPluginHost[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'easel-channel-faults-'));
  writeFileSync(path.join(dir, 'plugin.json'), JSON.stringify(MANIFEST, null, 2));
  writeFileSync(path.join(dir, 'index.mjs'), ENTRY);
});

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function open(limits: PluginHostLimits = {}): Promise<SandboxPluginHost> {
  const host = await openPluginHost({
    folders: [{ dir, origin: 'external' }],
    gpu: { present: false, detail: 'test' },
    limits: { backoff: { baseMs: 20, maxMs: 40 }, ...limits },
  });
  hosts.push(host);
  return host;
}

async function pidOf(host: SandboxPluginHost): Promise<number> {
  const result = await host.invoke('channel-faults', 'pid', {});
  if (!result.ok) throw new Error(JSON.stringify(result));
  return (result.value as { pid: number }).pid;
}

describe('[CONTRACT 9] the message channel to a plugin process', { timeout: 20_000 }, () => {
  it('[CONTRACT 9] a child that dies in the middle of a frame is a crash at once, not a hang; the next call succeeds', async () => {
    const host = await open();
    const pid = await pidOf(host);
    const started = performance.now();
    const result = await host.invoke('channel-faults', 'half_frame_then_exit', {});
    expect(result).toMatchObject({ ok: false, error: { kind: 'crashed' } });
    if (!result.ok) expect(result.error.message).toMatch(/code 3|exit/i);
    // settled by the exit, far inside the tool's 5 s timeout
    expect(performance.now() - started).toBeLessThan(4000);
    expect(await waitFor(() => !alive(pid), 2000)).toBe(true);
    expect(await host.invoke('channel-faults', 'echo', { a: 1 })).toMatchObject({ ok: true, value: { a: 1 } });
  });

  it('[CONTRACT 9] half a frame from a live child: the call times out and the process is killed', async () => {
    const host = await open();
    const pid = await pidOf(host);
    const result = await host.invoke('channel-faults', 'half_frame_then_hang', {});
    expect(result).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    expect(await waitFor(() => !alive(pid), 2000)).toBe(true);
    expect(await host.invoke('channel-faults', 'echo', { b: 2 })).toMatchObject({ ok: true, value: { b: 2 } });
  });

  it('[CONTRACT 9] a frame over the size limit or not JSON: killed as crashed, saying why; the next call succeeds', async () => {
    const host = await open();
    for (const [toolName, why] of [
      [
        'oversized_frame',
        /broke the message protocol \(it sent a message of 4294967280 bytes, over the 67108864 byte limit\)/,
      ],
      ['garbage_frame', /broke the message protocol \(it sent a message that is not JSON/],
      [
        'msgpack_date_body',
        /broke the message protocol \(it sent a MessagePack body that is not plain JSON data\); it was killed/,
      ],
      ['msgpack_garbage_body', /broke the message protocol \(it sent a body that is not MessagePack/],
    ] as const) {
      const pid = await pidOf(host);
      const started = performance.now();
      const result = await host.invoke('channel-faults', toolName, {});
      expect(result).toMatchObject({ ok: false, error: { kind: 'crashed' } });
      if (!result.ok) expect(result.error.message).toMatch(why);
      expect(performance.now() - started).toBeLessThan(4000);
      expect(await waitFor(() => !alive(pid), 2000)).toBe(true);
      expect(host.inspect('channel-faults', OPERATOR_VIEW)?.recent_errors.at(-1)?.message).toMatch(why);
      expect(await host.invoke('channel-faults', 'echo', { c: 3 })).toMatchObject({ ok: true, value: { c: 3 } });
    }
  });

  it('[CONTRACT 9] size limits: a large input is refused before sending, a large result is invalid_output, a large partial throws in the plugin; the process lives on', async () => {
    const host = await open({ maxMessageBytes: 64 * 1024 });
    const pid = await pidOf(host);
    const input = await host.invoke('channel-faults', 'echo', { text: 'x'.repeat(70 * 1024) });
    expect(input).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });
    if (!input.ok) expect(input.error.message).toMatch(/^input is \d+ bytes, over the 65536 byte limit$/);
    const output = await host.invoke('channel-faults', 'big_result', { bytes: 70 * 1024 });
    expect(output).toMatchObject({ ok: false, error: { kind: 'invalid_output' } });
    if (!output.ok) expect(output.error.message).toMatch(/^the result is \d+ bytes, over the 65536 byte limit$/);
    const partial = await host.invoke('channel-faults', 'big_partial', { bytes: 70 * 1024 });
    expect(partial).toMatchObject({ ok: true });
    if (partial.ok) expect(String((partial.value as { threw: unknown }).threw)).toMatch(/over the 65536 byte limit/);
    expect(await pidOf(host)).toBe(pid);
    expect(host.health('channel-faults')).toMatchObject({ state: 'RUNNING' });
  });

  it('[CONTRACT 9] messages of several MiB cross the channel intact, in both directions', async () => {
    const host = await open();
    const text = Array.from({ length: 300_000 }, (_, i) => `${i % 10}é`).join(''); // ~900 KB of UTF-8
    const payload = { text, list: Array.from({ length: 20_000 }, (_, i) => ({ i, s: `item ${i}` })) };
    const results = await Promise.all([1, 2].map(() => host.invoke('channel-faults', 'echo', payload)));
    for (const result of results) expect(result).toMatchObject({ ok: true, value: payload });
    const big = await host.invoke('channel-faults', 'big_result', { bytes: 5 * 1024 * 1024 });
    expect(big.ok && (big.value as { text: string }).text.length).toBe(5 * 1024 * 1024);
  });

  it('[CONTRACT 9] plugins see JSON semantics whatever the encoding: Dates become strings, undefined and NaN null, both ways and in partials', async () => {
    const host = await open();
    for (const input of [
      { nested: { k: [1, { deep: true }] }, text: 'plain' },
      { nested: { k: [1] }, text: 'a\ud800b' },
    ]) {
      const partials: unknown[] = [];
      const result = await host.invoke('channel-faults', 'json_semantics', input, {
        onPartial: (payload) => partials.push(payload),
      });
      expect(result).toEqual({
        ok: true,
        value: {
          when: '1970-01-01T00:00:00.000Z',
          list: [null, null, null],
          input,
          inputKinds: [
            ['nested', 'object', true],
            ['text', 'string', false],
          ],
        },
        ms: expect.any(Number),
      });
      expect(partials).toEqual([{ when: '1970-01-01T00:00:00.000Z', n: null }, { plain: [1, 'two', { three: 3 }] }]);
      // Not plain JSON data: it came as JSON, and the host kept the text for the HTTP answer.
      expect(resultValueJson(result)).toBe(JSON.stringify(result.ok ? result.value : null));
    }
    // Plain data of ≈ 1 KB or more comes as MessagePack: no text; the value is the same. Small stays JSON.
    const a = Array.from({ length: 100 }, (_, i) => [i, 2.5, `x${i}`, null, { b: i % 2 === 0 }]);
    const echoed = await host.invoke('channel-faults', 'echo', { a });
    expect(echoed).toMatchObject({ ok: true, value: { a } });
    expect(resultValueJson(echoed)).toBeUndefined();
    const small = await host.invoke('channel-faults', 'echo', { a: [1, 'x'] });
    expect(resultValueJson(small)).toBe('{"a":[1,"x"]}');
  });
});
