import { spread } from '../lib/stats.ts';
import type { Ratio } from '../report/BenchResults.ts';
import type { AgentsResult, AgentsSample } from './AgentsResult.ts';

/** median(a) ÷ median(b) over the samples, with the range of the per-round ratios. */
function ratioOf(
  id: string,
  label: string,
  samples: AgentsSample[],
  a: (s: AgentsSample) => number | null,
  b: (s: AgentsSample) => number | null,
  direction: Ratio['direction'],
  note?: string,
): Ratio {
  const values = (f: (s: AgentsSample) => number | null) =>
    samples.map(f).filter((v): v is number => v !== null && Number.isFinite(v));
  const top = spread(values(a))?.median ?? null;
  const bottom = spread(values(b))?.median ?? null;
  const value = top !== null && bottom !== null && bottom !== 0 ? top / bottom : null;
  const pairs: number[] = [];
  for (const s of samples) {
    const x = a(s);
    const y = b(s);
    if (x !== null && y !== null && Number.isFinite(x) && Number.isFinite(y) && y !== 0) pairs.push(x / y);
  }
  return {
    id,
    label,
    value,
    pairRange: pairs.length >= 2 ? [Math.min(...pairs), Math.max(...pairs)] : null,
    direction,
    target: null,
    met: null,
    ...(note ? { note } : {}),
  };
}

/**
 * The agents ratios (no targets in BENCHMARKS.md yet): `chat.send` → `turn_accepted` over
 * `token.set` → `token_patch` (p50, p99) on the same gateway, the absolute p99, and chat_token
 * frames delivered to N subscribers over raw SSE deliveries to the same N at saturation.
 */
export function agentsRatios(result: AgentsResult): Ratio[] {
  const samples = result.samples;
  if (samples.length === 0) return [];
  const n = result.config.throughput.subscribers;
  const chatP99 = spread(samples.map((s) => s.chat.event.p99))?.median ?? null;
  return [
    ratioOf(
      'agents.turn_accepted.p50.token_set',
      'chat.send → turn_accepted p50: ÷ token.set → token_patch (same gateway)',
      samples,
      (s) => s.chat.event.p50,
      (s) => s.token.event.p50,
      '<=',
    ),
    ratioOf(
      'agents.turn_accepted.p99.token_set',
      'chat.send → turn_accepted p99: ÷ token.set → token_patch (same gateway)',
      samples,
      (s) => s.chat.event.p99,
      (s) => s.token.event.p99,
      '<=',
    ),
    {
      id: 'agents.turn_accepted.p99.absolute',
      label: 'chat.send → turn_accepted p99, ms (absolute)',
      value: chatP99,
      pairRange: null,
      direction: '<=',
      target: null,
      met: null,
      unit: 'ms',
    },
    ratioOf(
      'agents.chat_token.raw',
      `chat_token frames delivered/s to ${n}: Easel ÷ raw SSE deliveries/s at saturation`,
      samples,
      (s) => s.throughput.framesPerSec,
      (s) => s.raw?.deliveriesPerSec ?? null,
      '>=',
      "Easel: as fast as the agents' turns stream (below saturation when the server CPU is well under a core); raw: ~200 B frames from 64 writers",
    ),
    ratioOf(
      'agents.chat_token.cpu.raw',
      `server CPU µs per delivery, chat_token to ${n}: Easel ÷ raw SSE`,
      samples,
      (s) => s.serverUsPerFrame,
      (s) => s.raw?.serverUsPerDelivery ?? null,
      '<=',
    ),
  ];
}
