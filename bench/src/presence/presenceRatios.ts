import { spread } from '../lib/stats.ts';
import type { Ratio } from '../report/BenchResults.ts';
import { PRESENCE_SERVERS, type PresenceResult, type PresenceSample } from './PresenceResult.ts';

/** Share of sets seen by every other collaborator under which a server "did not keep up". */
export const KEPT_UP = 0.99;

/** median(Easel) ÷ median(plain Hocuspocus) of `value` over `samples`, with the per-round pair range. */
function easelOverPlain(
  id: string,
  label: string,
  samples: PresenceSample[],
  value: (s: PresenceSample) => number,
  target: number | null,
  note?: string,
): Ratio {
  const median = (server: PresenceSample['server']) =>
    spread(samples.filter((s) => s.server === server).map(value))?.median ?? null;
  const easel = median('easel');
  const plain = median('hocuspocus');
  const ratio = easel !== null && plain !== null && plain !== 0 ? easel / plain : null;
  const pairs: number[] = [];
  for (const s of samples.filter((x) => x.server === 'easel')) {
    const b = samples.find((x) => x.server === 'hocuspocus' && x.round === s.round);
    if (b && value(b) !== 0 && Number.isFinite(value(b)) && Number.isFinite(value(s))) pairs.push(value(s) / value(b));
  }
  return {
    id,
    label,
    value: ratio,
    pairRange: pairs.length >= 2 ? [Math.min(...pairs), Math.max(...pairs)] : null,
    direction: '<=',
    target,
    met: ratio === null || target === null ? null : ratio <= target,
    ...(note ? { note } : {}),
  };
}

/** The servers whose median share of sets seen by all stayed under {@link KEPT_UP}. */
export function behind(samples: PresenceSample[]): string[] {
  return PRESENCE_SERVERS.filter((server) => {
    const complete = spread(samples.filter((s) => s.server === server).map((s) => s.complete))?.median;
    return complete !== undefined && complete < KEPT_UP;
  });
}

/**
 * The awareness ratios, Easel ÷ plain Hocuspocus at each rate: p99 (target ≤ 1.2× at the headline
 * rate, BENCHMARKS.md), p50 and server CPU. A note names a server that did not keep up.
 */
export function presenceRatios(result: PresenceResult): Ratio[] {
  const out: Ratio[] = [];
  result.config.rates.forEach((hz, index) => {
    const samples = result.samples.filter((s) => s.hz === hz);
    const load = `${result.config.collaborators} collaborators × ${hz} Hz`;
    const late = behind(samples);
    const note = late.length > 0 ? `did not keep up (< 99% of sets seen by all): ${late.join(', ')}` : undefined;
    const id = index === 0 ? 'presence' : `presence.${hz}hz`;
    out.push(
      easelOverPlain(
        `${id}.p99.hocuspocus`,
        `awareness p99 @ ${load}: Easel ÷ Hocuspocus`,
        samples,
        (s) => s.latency.p99,
        index === 0 ? 1.2 : null,
        note,
      ),
      easelOverPlain(
        `${id}.p50.hocuspocus`,
        `awareness p50 @ ${load}: Easel ÷ Hocuspocus`,
        samples,
        (s) => s.latency.p50,
        null,
        note,
      ),
      easelOverPlain(
        `${id}.cpu.hocuspocus`,
        `awareness server CPU @ ${load}: Easel ÷ Hocuspocus`,
        samples,
        (s) => s.serverCpu,
        null,
        note,
      ),
    );
  });
  return out;
}
