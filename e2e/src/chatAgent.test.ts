import type { PresencePeer, Turn } from '@easel/transport';
import { describe, expect, it } from 'vitest';
import { gatewayWorldPerSuite } from './support/gatewayWorldPerSuite.ts';
import { runExample } from './support/runExample.ts';
import { waitUntil } from './support/world.ts';

const EXAMPLE = 'sdk/transport/examples/chat-agent.ts';

function run(args: string[], timeoutMs: number) {
  return runExample(EXAMPLE, args, timeoutMs);
}

describe('examples/chat-agent.ts', () => {
  const suite = gatewayWorldPerSuite();

  it('[CONTRACT 7] [CONTRACT 4] the chat agent appears in presence, streams its turn and commits notes on the canvas', async () => {
    const { admin, scope } = await suite.world.newBoard('chat');
    const agentToken = await suite.gateway.token({
      tenant: suite.world.tenant,
      sub: 'chat-agent',
      roles: ['editor'],
      kind: 'agent',
    });
    // A second client on the canvas: it watches presence and the turns (what the harness ChatRail does).
    const watcher = suite.world.transport(admin, scope).connect();
    expect((await watcher.ready()).ok).toBe(true);
    const peersSeen: PresencePeer[] = [];
    watcher.presence.onPeers((peers) => peersSeen.push(...peers));
    expect(await watcher.presence.join()).toEqual({ ok: true, value: undefined });
    const turns: Turn[] = [];
    watcher.onTurn((turn) => turns.push(turn));

    const { code, stdout, stderr } = await run(
      [suite.gateway.url, agentToken, JSON.stringify(scope), 'add three notes about the launch'],
      90_000,
    );
    expect(code, stderr).toBe(0);
    const lastLine = stdout.lastIndexOf('\n{');
    const streamed = stdout.slice(0, lastLine);
    const printed = JSON.parse(stdout.slice(lastLine + 1).trim());
    expect(printed.outcome).toMatchObject({ status: 'committed' });
    expect(streamed.length).toBeGreaterThan(0);

    // The commit landed: three notes on the canvas, at the revision the turn reported.
    const read = await suite.world.getCanvas(admin, scope);
    expect(Object.keys(read.state.notes)).toHaveLength(3);
    expect(read.revision).toBe(printed.outcome.revision);
    expect(printed.revision).toBe(printed.outcome.revision);

    // The second client saw the agent in presence, as an agent, with its name.
    expect(
      peersSeen.some(
        (p) =>
          p.state.actor.id === 'chat-agent' && p.state.actor.kind === 'agent' && p.state.actor.name === 'Chat agent',
      ),
    ).toBe(true);
    // ... and the turn, with the same text the agent streamed, and its outcome.
    await waitUntil(() => turns.some((t) => t.id === printed.turn_id && t.view.outcome !== null), 10_000, 'the turn');
    const seen = turns.find((t) => t.id === printed.turn_id)!;
    expect(await seen.outcome).toEqual(printed.outcome);
    expect(seen.text).toBe(streamed);
    expect(seen.view.own).toBe(false);
    await waitUntil(() => watcher.revision === printed.outcome.revision, 10_000, 'the watcher mirror');
    expect(Object.keys(watcher.doc.getMap('notes').toJSON())).toHaveLength(3);
  });

  it('[CONTRACT 2] the example exits non-zero with the coded reason when its token is not an agent token', async () => {
    const { scope } = await suite.world.newBoard('chat');
    const human = await suite.gateway.token({ tenant: suite.world.tenant, sub: 'ann', roles: ['editor'] });
    const { code, stderr } = await run([suite.gateway.url, human, JSON.stringify(scope)], 60_000);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/not_an_agent/);
  });
});
