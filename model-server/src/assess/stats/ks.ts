import { roundHalfEven } from './exact-float.js';
import { probabilityOutsideBand, probabilityOutsideSquare } from './ks-exact.js';
import { kolmogorovTwoSidedSurvival } from './kolmogorov-two-sided.js';

/** A sample as ascending distinct values with their multiplicities (compact for 1M live rows). */
export interface WeightedSample {
  /** Distinct values, ascending. */
  values: Float64Array;
  /** How many times each value occurs (positive integers), aligned with `values`. */
  counts: Float64Array;
  /** The sample size: the sum of `counts`. */
  n: number;
}

/** Result of the two-sided two-sample Kolmogorov–Smirnov test. */
export interface KsResult {
  /** D = max |F_a - F_b|; for the exact method rounded to a multiple of 1/lcm(n1, n2), as scipy. */
  statistic: number;
  pValue: number;
  method: 'exact' | 'asymp';
}

/** The largest sample size for which scipy's method 'auto' computes the exact distribution. */
const MAX_EXACT_N = 10000;

/** Builds a WeightedSample from raw values, ignoring NaN. */
export function weightedSample(values: ArrayLike<number>): WeightedSample {
  const sorted = new Float64Array(values.length);
  let size = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (!Number.isNaN(value)) sorted[size++] = value;
  }
  const kept = sorted.subarray(0, size).sort();
  const distinct = new Float64Array(size);
  const counts = new Float64Array(size);
  let k = -1;
  for (let i = 0; i < size; i++) {
    if (k >= 0 && kept[i] === distinct[k]) {
      counts[k]++;
    } else {
      k++;
      distinct[k] = kept[i] === 0 ? 0 : kept[i]; // -0 and 0 are one value; keep +0
      counts[k] = 1;
    }
  }
  return { values: distinct.slice(0, k + 1), counts: counts.slice(0, k + 1), n: size };
}

/** Builds a WeightedSample from value → count; NaN keys and zero counts are left out. */
export function weightedSampleFromCounts(counts: Map<number, number>): WeightedSample {
  const entries: [number, number][] = [];
  for (const [value, count] of counts) {
    if (!Number.isInteger(count) || count < 0) {
      throw new Error(`sample counts must be non-negative integers, got ${count} for value ${value}`);
    }
    if (!Number.isNaN(value) && count > 0) entries.push([value, count]);
  }
  entries.sort((x, y) => x[0] - y[0]);
  const sample: WeightedSample = {
    values: new Float64Array(entries.length),
    counts: new Float64Array(entries.length),
    n: 0,
  };
  entries.forEach(([value, count], i) => {
    sample.values[i] = value === 0 ? 0 : value;
    sample.counts[i] = count;
    sample.n += count;
  });
  return sample;
}

/**
 * max and min over the pooled data of F_a(x) - F_b(x), the ECDFs counting values <= x (scipy's
 * searchsorted side='right'), each computed as count/n like scipy so that D is the same double.
 */
function ecdfDifferenceExtremes(a: WeightedSample, b: WeightedSample): { max: number; min: number } {
  let max = Number.NEGATIVE_INFINITY;
  let min = Number.POSITIVE_INFINITY;
  let i = 0;
  let j = 0;
  let countA = 0;
  let countB = 0;
  while (i < a.values.length || j < b.values.length) {
    const x =
      j >= b.values.length || (i < a.values.length && a.values[i] <= b.values[j]) ? a.values[i] : b.values[j];
    if (i < a.values.length && a.values[i] === x) countA += a.counts[i++];
    if (j < b.values.length && b.values[j] === x) countB += b.counts[j++];
    const difference = countA / a.n - countB / b.n;
    if (difference > max) max = difference;
    if (difference < min) min = difference;
  }
  return { max, min };
}

function gcd(x: number, y: number): number {
  let p = x;
  let q = y;
  while (q !== 0) [p, q] = [q, p % q];
  return p;
}

/** Two-sided two-sample Kolmogorov–Smirnov test exactly as scipy.stats.ks_2samp(a, b) (method='auto'). */
export function ksTwoSample(a: WeightedSample, b: WeightedSample): KsResult {
  if (a.n === 0 || b.n === 0) {
    throw new Error(`the Kolmogorov–Smirnov test needs two non-empty samples (sizes ${a.n} and ${b.n})`);
  }
  if (!Number.isSafeInteger(a.n) || !Number.isSafeInteger(b.n)) {
    throw new Error(`sample sizes must be integers (got ${a.n} and ${b.n})`);
  }
  const n1 = a.n;
  const n2 = b.n;
  const { max, min } = ecdfDifferenceExtremes(a, b);
  const minS = Math.min(1, Math.max(0, -min));
  let d = minS > max ? minS : max;

  if (Math.max(n1, n2) <= MAX_EXACT_N) {
    const g = gcd(n1, n2);
    const lcm = (n1 / g) * n2;
    const h = roundHalfEven(d * lcm);
    d = h / lcm;
    if (h === 0) return { statistic: d, pValue: 1, method: 'exact' };
    const p = n1 === n2 ? probabilityOutsideSquare(n1, h) : probabilityOutsideBand(n1, n2, g, h);
    // scipy falls back to the asymptotic distribution when rounding takes p out of [0, 1].
    if (p >= 0 && p <= 1) return { statistic: d, pValue: p, method: 'exact' };
  }
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const pValue = kolmogorovTwoSidedSurvival(roundHalfEven((m * n) / (m + n)), d);
  return { statistic: d, pValue: Math.min(1, Math.max(0, pValue)), method: 'asymp' };
}
