import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2eWorld, type GatewayProcess, startGateway } from './support/world.ts';

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
  let gateway: GatewayProcess;
  let world: E2eWorld;

  beforeAll(async () => {
    gateway = await startGateway();
    world = new E2eWorld(gateway);
  });

  afterAll(async () => {
    world?.closeAll();
    await gateway?.dispose();
  });

  it('[CONTRACT 5] the node agent example connects, sets a token, inserts a note and prints the token map', async () => {
    const admin = await world.token(['admin']);
    const scope = world.scope(world.name('agent'), world.name('c'));
    await world.createCanvas(admin, scope, 'board');
    const agentToken = await gateway.token({
      tenant: world.tenant,
      sub: 'node-agent',
      roles: ['editor'],
      kind: 'agent',
    });
    const { code, stdout, stderr } = await run([gateway.url, agentToken, JSON.stringify(scope)], 60_000);
    expect(code, stderr).toBe(0);
    const printed = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(printed.tokens['plan.title']).toBe('Planned by node-agent');
    expect(printed.note).toMatchObject({ text: 'Hello from an agent' });
    expect(printed.revision).toBe(2);
    const read = await world.getCanvas(admin, scope);
    expect(read.tokens).toEqual(printed.tokens);
    expect(read.state.notes[printed.note.key]).toEqual({ text: 'Hello from an agent' });
  });

  it('the example exits non-zero with the coded reason when its token is refused', async () => {
    const scope = world.scope(world.name('agent'), world.name('c'));
    const { code, stderr } = await run([gateway.url, 'not-a-jwt', JSON.stringify(scope)], 60_000);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/unauthenticated/);
  });
});
