import { describe, expect, it } from 'vitest';
import { AGENTS_QUICK, type AgentsResult, type AgentsSample, type LatencySummary } from './AgentsResult.ts';
import { agentsRatios } from './agentsRatios.ts';
import { renderAgents } from './renderAgents.ts';

const lat = (p50: number, p99: number): LatencySummary => ({ p50, p99, max: p99 * 2, n: 100 });

function sample(round: number, chat: number, token: number, frames: number, raw: number | null): AgentsSample {
  const command = (p50: number) => ({ ack: lat(p50 / 2, p50), event: lat(p50, p50 * 4), missed: 0, errors: 0 });
  return {
    round,
    chat: command(chat),
    token: command(token),
    throughput: {
      subscribers: 100,
      turns: 8,
      windowMs: 3000,
      framesPerSec: frames,
      framesPerSecPerSubscriber: frames / 100,
      charsPerSec: frames * 5,
      turnsPerSec: 2,
      tokenAge: lat(3, 9),
      failedTurns: 0,
      errors: 0,
      lost: 0,
      clientCpu: 0.4,
    },
    serverCpu: 0.5,
    serverUsPerFrame: 0.5e6 / frames,
    raw: raw === null ? null : { deliveriesPerSec: raw, serverCpu: 0.5, serverUsPerDelivery: 0.5e6 / raw },
  };
}

describe('agents bench ratios', () => {
  it('divides medians and gives the per-round range', () => {
    const result: AgentsResult = {
      config: { ...AGENTS_QUICK, rounds: 3 },
      samples: [sample(1, 2, 1, 1000, 4000), sample(2, 3, 2, 2000, 4000), sample(3, 8, 4, 3000, null)],
      failures: [],
    };
    const byId = Object.fromEntries(agentsRatios(result).map((r) => [r.id, r]));
    expect(byId['agents.turn_accepted.p50.token_set']!.value).toBeCloseTo(3 / 2);
    expect(byId['agents.turn_accepted.p50.token_set']!.pairRange).toEqual([1.5, 2]);
    expect(byId['agents.turn_accepted.p99.absolute']!).toMatchObject({ value: 12, unit: 'ms' });
    expect(byId['agents.chat_token.raw']!.value).toBeCloseTo(2000 / 4000);
    expect(byId['agents.chat_token.raw']!.pairRange).toEqual([0.25, 0.5]);
    expect(byId['agents.chat_token.cpu.raw']!.value).toBeCloseTo(250 / 125);
    expect(renderAgents(result)).toContain('| event p50 | **3.00 ms** (2.00 ms–8.00 ms) |');
  });

  it('has no ratios without samples', () => {
    expect(agentsRatios({ config: { ...AGENTS_QUICK, rounds: 1 }, samples: [], failures: ['x'] })).toEqual([]);
  });
});
