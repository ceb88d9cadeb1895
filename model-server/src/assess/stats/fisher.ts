/** Result of Fisher's exact test on a 2×2 table. */
export interface FisherResult {
  /** The sample odds ratio (a·d)/(b·c): Infinity when b·c = 0, NaN when a row or column is empty. */
  oddsRatio: number;
  /** Two-sided p-value. */
  pValue: number;
}

// Outcomes whose probability is within this factor of the observed one count as "as extreme".
// SciPy uses 1 + 1e-14 on Boost's hypergeometric pmf; the pmf here is built by a recurrence whose
// rounding can exceed that, so ties are recognised with R's tolerance instead. The two agree except
// for probabilities that differ by less than 1e-7 relative without being equal.
const RELATIVE_TIE = 1 + 1e-7;

/**
 * Hypergeometric weights proportional to Pr(X = x) for x in [low, high], built outward from the mode
 * with the ratio Pr(x+1)/Pr(x) so that nothing overflows; far tails may underflow to 0.
 */
function hypergeometricWeights(
  total: number,
  successes: number,
  draws: number,
): { low: number; weights: Float64Array } {
  const low = Math.max(0, draws - (total - successes));
  const high = Math.min(draws, successes);
  const weights = new Float64Array(high - low + 1);
  const mode = Math.min(high, Math.max(low, Math.floor(((draws + 1) * (successes + 1)) / (total + 2))));
  weights[mode - low] = 1;
  const failures = total - successes;
  for (let x = mode; x < high; x++) {
    const next =
      (weights[x - low] * ((successes - x) * (draws - x))) / ((x + 1) * (failures - draws + x + 1));
    if (next === 0) break;
    weights[x + 1 - low] = next;
  }
  for (let x = mode; x > low; x--) {
    const next = (weights[x - low] * (x * (failures - draws + x))) / ((successes - x + 1) * (draws - x + 1));
    if (next === 0) break;
    weights[x - 1 - low] = next;
  }
  return { low, weights };
}

/** As scipy.stats.fisher_exact(table) (two-sided): statistic is the sample odds ratio. */
export function fisherExact(
  table: readonly [readonly [number, number], readonly [number, number]],
): FisherResult {
  const [[a, b], [c, d]] = table;
  for (const value of [a, b, c, d]) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new Error(`Fisher's exact test needs non-negative integer counts, got ${value}`);
    }
  }
  if (a + b === 0 || c + d === 0 || a + c === 0 || b + d === 0) return { oddsRatio: Number.NaN, pValue: 1 };
  const oddsRatio = c > 0 && b > 0 ? (a * d) / (c * b) : Number.POSITIVE_INFINITY;

  // X = the top-left count, given the margins: hypergeometric with population a+b+c+d, a+b
  // successes and a+c draws. The p-value sums Pr(x) over every x no more likely than the table.
  const { low, weights } = hypergeometricWeights(a + b + c + d, a + b, a + c);
  const threshold = weights[a - low] * RELATIVE_TIE;
  let total = 0;
  let extreme = 0;
  for (const weight of weights) {
    total += weight;
    if (weight <= threshold) extreme += weight;
  }
  return { oddsRatio, pValue: Math.min(1, extreme / total) };
}
