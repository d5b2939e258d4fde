/**
 * Runs `sample` for every kind in every round, the order rotated each round (A B C, B C A, …) so
 * no kind always runs first; logs each sample with `describe` (or why it failed) and returns the
 * samples that succeeded. For the A/B probe scripts.
 */
export async function interleavedRounds<S>(
  kinds: readonly string[],
  rounds: number,
  sample: (kind: string, round: number) => Promise<S>,
  describe: (sample: S) => string,
): Promise<S[]> {
  const samples: S[] = [];
  for (let round = 1; round <= rounds; round++) {
    const order = kinds.map((_, i) => kinds[(i + round - 1) % kinds.length] as string);
    for (const kind of order) {
      try {
        const s = await sample(kind, round);
        samples.push(s);
        console.log(`r${round} ${kind.padEnd(16)} ${describe(s)}`);
      } catch (error) {
        console.log(`r${round} ${kind}: FAILED ${String(error).split('\n')[0]}`);
      }
    }
  }
  return samples;
}
