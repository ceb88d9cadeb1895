const DEFAULT_EPSILON = 1e-4;

function shares(counts: readonly number[], name: string, epsilon: number): number[] {
  let total = 0;
  for (const count of counts) {
    if (!Number.isFinite(count) || count < 0) {
      throw new Error(`${name} counts must be finite and non-negative, got ${count}`);
    }
    total += count;
  }
  if (total === 0) throw new Error(`${name} counts are all zero`);
  return counts.map((count) => Math.max(count / total, epsilon));
}

/**
 * Population stability index: sum over bins of (a - e) * ln(a / e) over shares, each share floored at
 * epsilon (default 1e-4). Inputs are counts per bin.
 */
export function populationStabilityIndex(
  expectedCounts: readonly number[],
  actualCounts: readonly number[],
  epsilon: number = DEFAULT_EPSILON,
): number {
  if (expectedCounts.length !== actualCounts.length) {
    throw new Error(`bin counts differ: ${expectedCounts.length} expected vs ${actualCounts.length} actual`);
  }
  if (expectedCounts.length === 0) throw new Error('the population stability index needs at least one bin');
  if (!(epsilon > 0)) throw new Error(`epsilon must be positive, got ${epsilon}`);
  const expected = shares(expectedCounts, 'expected', epsilon);
  const actual = shares(actualCounts, 'actual', epsilon);
  let index = 0;
  for (let i = 0; i < expected.length; i++) {
    index += (actual[i] - expected[i]) * Math.log(actual[i] / expected[i]);
  }
  return index;
}
