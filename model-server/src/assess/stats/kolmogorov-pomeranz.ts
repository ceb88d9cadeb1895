import { ldexp } from './exact-float.js';

const SCALE_EXPONENT = 128;
const BIG = 2 ** SCALE_EXPONENT;
const SMALL = 2 ** -SCALE_EXPONENT;

/** The nonzero column range [j1, j2] of row i of Pomeranz's matrix (scipy's _pomeranz_compute_j1j2). */
function columnRange(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = half - 1 - ll - roundf - 1;
        j2 = half + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** (g)^m / m! for m < count: Poisson probabilities without their normalizing factor. */
function scaledPowers(g: number, count: number): Float64Array {
  const powers = new Float64Array(count);
  powers[0] = 1;
  for (let m = 1; m < count; m++) powers[m] = (powers[m - 1] * g) / m;
  return powers;
}

/**
 * Pr(D_n <= x) for the two-sided one-sample Kolmogorov–Smirnov statistic by Pomeranz's recursion
 * (1974), as scipy's _kolmogn_Pomeranz: rows are convolutions of the previous row with Poisson
 * probabilities; the answer is n! times the last entry.
 */
export function pomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const size = 2 * (ll + 1);
  const gPowers = scaledPowers(g / n, size);
  const twoGPowers = scaledPowers((2 * g) / n, size);
  const oneMinusTwoGPowers = scaledPowers((1 - 2 * g) / n, size);

  let previous = new Float64Array(size);
  let current = new Float64Array(size);
  current[0] = 1;
  let previousStart = 0;
  let currentStart = 0;
  let exponent = 0;
  let [j1, j2] = columnRange(0, n, ll, ceilf, roundf);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [previous, current] = [current, previous];
    [previousStart, currentStart] = [currentStart, previousStart];
    current.fill(0);
    [j1, j2] = columnRange(i, n, ll, ceilf, roundf);
    const powers = i === 1 || i === 2 * n + 1 ? gPowers : i % 2 === 1 ? twoGPowers : oneMinusTwoGPowers;
    const length = j2 - k1 + 1;
    if (length > 0) {
      // current[0 .. j2 - j1] = entries j1 - k1 ... of the full convolution of
      // previous[k1 - previousStart ..][0, length) with powers[0, length).
      const from = k1 - previousStart;
      const available = Math.max(0, Math.min(length, size - from));
      const powersLength = Math.min(length, size);
      const offset = j1 - k1;
      const count = j2 - j1 + 1;
      let largest = 0;
      for (let c = 0; c < count; c++) {
        const index = offset + c;
        let sum = 0;
        const lowest = Math.max(0, index - powersLength + 1);
        const highest = Math.min(index, available - 1);
        for (let a = lowest; a <= highest; a++) sum += previous[from + a] * powers[index - a];
        current[c] = sum;
        largest = Math.max(largest, sum);
      }
      if (largest > 0 && largest < SMALL) {
        for (let c = 0; c < size; c++) current[c] *= BIG;
        exponent -= SCALE_EXPONENT;
      }
      currentStart = previousStart + j1 - k1;
    }
  }

  let answer = current[n - currentStart];
  for (let m = 1; m <= n; m++) {
    if (Math.abs(answer) > BIG) {
      answer *= SMALL;
      exponent += SCALE_EXPONENT;
    }
    answer *= m;
  }
  return Math.min(1, Math.max(0, ldexp(answer, exponent)));
}
