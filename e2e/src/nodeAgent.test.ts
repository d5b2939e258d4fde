import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { gatewayWorldPerSuite } from './support/gatewayWorldPerSuite.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLE = 'sdk/transport/examples/node-agent.ts';

function run(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', EXAMPLE, ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`node-agent did not exit within ${timeoutMs} ms: ${stdout} ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('examples/node-agent.ts', () => {
  const suite = gatewayWorldPerSuite();

  it('[CONTRACT 5] the node agent example connects, sets a token, inserts a note and prints the token map', async () => {
    const { admin, scope } = await suite.world.newBoard('agent');
    const agentToken = await suite.gateway.token({
      tenant: suite.world.tenant,
      sub: 'node-agent',
      roles: ['editor'],
      kind: 'agent',
    });
    const { code, stdout, stderr } = await run([suite.gateway.url, agentToken, JSON.stringify(scope)], 60_000);
    expect(code, stderr).toBe(0);
    const printed = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(printed.tokens['plan.title']).toBe('Planned by node-agent');
    expect(printed.note).toMatchObject({ text: 'Hello from an agent' });
    expect(printed.revision).toBe(2);
    const read = await suite.world.getCanvas(admin, scope);
    expect(read.tokens).toEqual(printed.tokens);
    expect(read.state.notes[printed.note.key]).toEqual({ text: 'Hello from an agent' });
  });

  it('the example exits non-zero with the coded reason when its token is refused', async () => {
    const scope = suite.world.scope(suite.world.name('agent'), suite.world.name('c'));
    const { code, stderr } = await run([suite.gateway.url, 'not-a-jwt', JSON.stringify(scope)], 60_000);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/unauthenticated/);
  });
});
