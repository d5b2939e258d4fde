import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPluginHost, type SandboxPluginHost } from './openPluginHost.ts';
import { resultValueJson, withValueJson } from './resultValueJson.ts';
import { fixtureFolders } from './testing/pluginTestKit.ts';

let host: SandboxPluginHost;

beforeAll(async () => {
  host = await openPluginHost({ folders: fixtureFolders('echo'), limits: { standby: { enabled: false } } });
});

afterAll(async () => {
  await host.close();
});

describe('[CONTRACT 9] the JSON text of a result value, as the plugin process sent it (a JSON body)', {
  timeout: 15_000,
}, () => {
  it('[CONTRACT 9] a small value keeps the text it was parsed from; a large plain one came as MessagePack and has none', async () => {
    const text = 'zwölf Äpfel — 日本語 🎨 "quoted" \\ end';
    const ok = await host.invoke('echo', 'echo', { text });
    expect(ok).toMatchObject({ ok: true, value: { text } });
    const json = resultValueJson(ok);
    expect(json).toBe(JSON.stringify({ text }));
    expect(JSON.parse(json ?? 'null')).toEqual(ok.ok ? ok.value : null);

    const sum = await host.invoke('echo', 'add', { a: 2, b: 3 });
    expect(resultValueJson(sum)).toBe('{"sum":5}');

    const long = text.repeat(100);
    const packed = await host.invoke('echo', 'echo', { text: long });
    expect(packed).toMatchObject({ ok: true, value: { text: long } });
    expect(resultValueJson(packed)).toBeUndefined();

    // The value failed the output schema: no text to pass on.
    const invalid = await host.invoke('echo', 'bad_output', {});
    expect(invalid).toMatchObject({ ok: false, error: { kind: 'invalid_output' } });
    expect(resultValueJson(invalid)).toBeUndefined();
    // JSON cannot encode it: the child answers invalid_output, nothing is kept.
    const bigint = await host.invoke('echo', 'bigint', {});
    expect(bigint).toMatchObject({ ok: false, error: { kind: 'invalid_output' } });
    expect(resultValueJson(bigint)).toBeUndefined();
  });

  it('[CONTRACT 9] only successful results keep a text; a result made elsewhere has none', () => {
    const made = { ok: true as const, value: { a: 1 }, ms: 1 };
    expect(resultValueJson(made)).toBeUndefined();
    expect(withValueJson(made, '{"a":1}')).toBe(made);
    expect(resultValueJson(made)).toBe('{"a":1}');
    const failed = { ok: false as const, error: { kind: 'threw', message: 'x' }, ms: 1 };
    expect(resultValueJson(withValueJson(failed, '{}'))).toBeUndefined();
  });
});
