import type { JsonValue, VerifyContract } from '@easel/schemas';
import { clipText } from './clipJson.ts';
import { type AssertionOutcome, evaluateAssertion } from './evaluateAssertion.ts';

/** One scorer's result: its score in 0..1, or why it has none. */
export type ScoreOutcome = { id: string; ok: true; score: number } | { id: string; ok: false; message: string };

/** How a VerifyContract judged the run. */
export interface VerifyOutcome {
  readonly verdict: 'pass' | 'fail' | 'refused';
  /** Why it did not pass (absent on pass). */
  readonly reason?: string;
  /** Scores by scorer id (scorers that produced one). */
  readonly scores: Record<string, number>;
  /** The weighted mean of the scores (weights default 1); absent without scores. */
  readonly score?: number;
  readonly assertions: AssertionOutcome[];
  /** Every problem found, for a reflection prompt. */
  readonly problems: string[];
}

/**
 * A scorer tool's output as a score: a number in 0..1, or an object whose `score` is one.
 * Anything else is not a score.
 */
export function scoreOf(value: JsonValue | undefined): number | null {
  const n =
    typeof value === 'number'
      ? value
      : value !== null && typeof value === 'object' && !Array.isArray(value) && typeof value.score === 'number'
        ? value.score
        : null;
  return n !== null && Number.isFinite(n) && n >= 0 && n <= 1 ? n : null;
}

/**
 * Judges a run by its VerifyContract (contract §10): every assertion must hold on
 * `{state, tokens, output}` and every scorer must reach its threshold; a scorer below its refusal
 * threshold (or without a score when it has one) refuses the run instead (no reflection follows).
 * Pure: the scorers already ran.
 */
export function judgeRun(contract: VerifyContract, doc: JsonValue, scored: readonly ScoreOutcome[]): VerifyOutcome {
  const assertions = contract.assertions.map((a) => evaluateAssertion(doc, a));
  const problems: string[] = [];
  for (const a of assertions) if (!a.ok) problems.push(`assertion ${a.id} failed: ${a.message ?? 'failed'}`);
  const scores: Record<string, number> = {};
  const refusals: string[] = [];
  let weighted = 0;
  let weights = 0;
  for (const scorer of contract.scorers) {
    const outcome = scored.find((s) => s.id === scorer.id);
    const refuseBelow = Object.hasOwn(contract.refusal_thresholds, scorer.id)
      ? contract.refusal_thresholds[scorer.id]
      : undefined;
    if (!outcome?.ok) {
      const why = `scorer ${scorer.id} (${scorer.tool}) gave no score: ${outcome ? outcome.message : 'not run'}`;
      problems.push(why);
      if (refuseBelow !== undefined) refusals.push(why);
      continue;
    }
    scores[scorer.id] = outcome.score;
    const weight = scorer.weight ?? 1;
    weighted += outcome.score * weight;
    weights += weight;
    if (refuseBelow !== undefined && outcome.score < refuseBelow) {
      refusals.push(`score ${scorer.id} = ${round(outcome.score)} is below the refusal threshold ${refuseBelow}`);
    }
    if (outcome.score < scorer.threshold) {
      problems.push(`score ${scorer.id} = ${round(outcome.score)} is below its threshold ${scorer.threshold}`);
    }
  }
  const score = weights > 0 ? round(weighted / weights) : undefined;
  const base = { scores, assertions, problems, ...(score !== undefined ? { score } : {}) };
  if (refusals.length > 0) return { ...base, verdict: 'refused', reason: clipText(refusals.join('; '), 2000) };
  if (problems.length > 0) return { ...base, verdict: 'fail', reason: clipText(problems.join('; '), 2000) };
  return { ...base, verdict: 'pass' };
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
