import { describe, expect, it } from 'vitest';
import { gatewayWorldPerSuite } from './support/gatewayWorldPerSuite.ts';
import { runExample } from './support/runExample.ts';

const EXAMPLE = 'sdk/transport/examples/node-agent.ts';

function run(args: string[], timeoutMs: number) {
  return runExample(EXAMPLE, args, timeoutMs);
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
