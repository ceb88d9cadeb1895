/** Arithmetic mean. */
export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/** NumPy's default `np.percentile` (linear interpolation between closest ranks), q in [0, 100]. */
export function percentileLinear(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort();
  return sortedPercentileLinear(sorted, q);
}

/** `percentileLinear` over an already sorted array. */
export function sortedPercentileLinear(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const position = (q / 100) * (n - 1);
  const low = Math.floor(position);
  const high = Math.min(low + 1, n - 1);
  const fraction = position - low;
  return fraction === 0 ? sorted[low] : sorted[low] + (sorted[high] - sorted[low]) * fraction;
}

/**
 * scikit-learn's `_weighted_percentile` (the "inverted CDF" method): the smallest value whose
 * cumulative weight reaches `q`% of the total weight. With unit weights and q = 50 this is the
 * lower median.
 */
export function weightedPercentile(
  values: ArrayLike<number>,
  weights: ArrayLike<number> | null,
  q: number,
): number {
  const n = values.length;
  if (n === 0) return NaN;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const cdf = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += weights ? weights[order[i]] : 1;
    cdf[i] = total;
  }
  let target = (q / 100) * total;
  if (target === 0) target = Number.MIN_VALUE; // ignore leading zero weights, as scikit-learn does
  let low = 0;
  let high = n;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (cdf[mid] < target) low = mid + 1;
    else high = mid;
  }
  return values[order[Math.min(low, n - 1)]];
}
