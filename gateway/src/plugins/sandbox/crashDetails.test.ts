import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PluginInvokeResult } from '@easel/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATOR_VIEW } from '../inspector/RecentLog.ts';
import { openPluginHost, type SandboxPluginHost } from '../openPluginHost.ts';
import type { CallOwner } from '../inspector/RecentLog.ts';
import { waitFor } from '../testing/pluginTestKit.ts';

// A crash's stderr line may carry the input of the call that caused it: only calls of that call's
// caller (tenant and project) get it; other calls in flight on the same process get the summary.
// `wait` marks that it runs (a file in the plugin folder) and waits; `die` kills its own process
// (the runner cannot name it), `exit` and `throw_later` end it from a call's code (named).
const ENTRY = `
import { writeFileSync } from 'node:fs';
export const tools = {
  wait: async (input) => {
    writeFileSync('started-' + input.marker, '');
    await new Promise((resolve) => setTimeout(resolve, 30000));
    return {};
  },
  die: async (input) => {
    console.error('Error: died on ' + input.marker);
    process.kill(process.pid, 'SIGKILL');
    return new Promise(() => {});
  },
  exit: async (input) => {
    console.error('Error: exited on ' + input.marker);
    process.exit(1);
  },
  throw_later: async (input) => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    setTimeout(() => {
      throw new Error('thrown on ' + input.marker);
    }, 1);
    return new Promise(() => {});
  },
};
`;

const TOOL = {
  description: 'crash details',
  timeout_ms: 60_000,
  memory_mb: 64,
  idempotent: true,
  input: { type: 'object', properties: { marker: { type: 'string' } }, required: ['marker'] },
  output: { type: 'object' },
};

let dir = '';
let host: SandboxPluginHost;
let round = 0;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'easel-crash-details-'));
  const tools = { wait: TOOL, die: TOOL, exit: TOOL, throw_later: TOOL };
  const manifest = {
    name: 'crash-details',
    version: '1.0.0',
    description: 'd',
    entry: 'index.mjs',
    device: 'cpu',
    tools,
  };
  writeFileSync(path.join(dir, 'plugin.json'), JSON.stringify(manifest));
  writeFileSync(path.join(dir, 'index.mjs'), ENTRY);
  host = await openPluginHost({
    folders: [{ dir, origin: 'external' }],
    gpu: { present: false, detail: 'test' },
    limits: { backoff: { baseMs: 20, maxMs: 40 }, breaker: { crashes: 1000 } },
  });
});

afterAll(async () => {
  await host?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const ACME: CallOwner = { tenantId: 'acme', projectId: 'p1' };
const EVIL: CallOwner = { tenantId: 'evil', projectId: 'p1' };

/**
 * Starts `wait` for `waiter` and, once it runs in the process, `tool` for `crasher` (undefined: no
 * caller); both answers, after the process ended.
 */
async function crashWhileWaiting(
  tool: 'die' | 'exit' | 'throw_later',
  crasher: CallOwner | undefined,
  waiter: CallOwner,
): Promise<{ marker: string; crashed: PluginInvokeResult; waited: PluginInvokeResult }> {
  round++;
  const marker = `secret-${round}-${tool}`;
  const waitMarker = `wait-${round}`;
  const waited = host.invoke('crash-details', 'wait', { marker: waitMarker }, { caller: waiter });
  expect(await waitFor(() => existsSync(path.join(dir, `started-${waitMarker}`)), 15_000)).toBe(true);
  const crashed = await host.invoke('crash-details', tool, { marker }, crasher ? { caller: crasher } : {});
  return { marker, crashed, waited: await waited };
}

function message(result: PluginInvokeResult): string {
  expect(result.ok).toBe(false);
  return result.ok ? '' : result.error.message;
}

describe('[CONTRACT 1] [CONTRACT 9] a crash’s stderr line goes only to the calls of its tenant', {
  timeout: 60_000,
}, () => {
  it('[CONTRACT 9] the call whose code ended the process (exit, uncaught throw) keeps the detail; another tenant’s call in flight gets the summary, same kind', async () => {
    for (const tool of ['exit', 'throw_later'] as const) {
      const { marker, crashed, waited } = await crashWhileWaiting(tool, ACME, EVIL);
      expect(crashed).toMatchObject({ ok: false, error: { kind: 'crashed' } });
      expect(message(crashed)).toContain(marker);
      expect(waited).toMatchObject({ ok: false, error: { kind: 'crashed' } });
      expect(message(waited)).toMatch(
        /^the plugin process exited with code 1 \(details withheld: another tenant's or project's call was in flight\)$/,
      );
      // The runner's line naming the call is never shown.
      expect(message(crashed)).not.toMatch(/ call \d+/);
    }
  });

  it('[CONTRACT 9] a crash no call is named for: the detail only when every call in flight is one caller’s', async () => {
    const mixed = await crashWhileWaiting('die', ACME, EVIL);
    for (const result of [mixed.crashed, mixed.waited]) {
      expect(result).toMatchObject({ ok: false, error: { kind: 'crashed' } });
      expect(message(result)).toMatch(/ \(details withheld: another tenant's or project's call was in flight\)$/);
      expect(message(result)).not.toContain(mixed.marker);
    }
    const otherProject = await crashWhileWaiting('die', ACME, { tenantId: 'acme', projectId: 'p2' });
    expect(message(otherProject.crashed)).not.toContain(otherProject.marker);
    expect(message(otherProject.waited)).not.toContain(otherProject.marker);

    const same = await crashWhileWaiting('die', ACME, ACME);
    expect(message(same.crashed)).toContain(same.marker);
    expect(message(same.waited)).toContain(same.marker);

    // A call naming no tenant gets the summary, and so does the tenant's call beside it.
    const internal = await crashWhileWaiting('die', undefined, ACME);
    expect(message(internal.crashed)).toMatch(/ \(details withheld: the call named no tenant\)$/);
    expect(message(internal.waited)).not.toContain(internal.marker);

    // The inspector's entries are the answers: evil's view never holds acme's markers.
    const evilView = JSON.stringify(host.inspect('crash-details', { tenantId: 'evil' }));
    expect(evilView).toContain('details withheld');
    expect(evilView).not.toContain('secret-');
    expect(JSON.stringify(host.inspect('crash-details', OPERATOR_VIEW))).toContain(same.marker);
  });
});
