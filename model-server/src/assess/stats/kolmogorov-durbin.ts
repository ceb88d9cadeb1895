import { ldexp } from './exact-float.js';

// Scaling keeps the matrix powers and n!/n^n inside the double range; SciPy does the same with
// 2^128 steps (in long double), here matrices are rescaled by exact powers of two when needed.
const SCALE_EXPONENT = 128;
const BIG = 2 ** SCALE_EXPONENT;
const SMALL = 2 ** -SCALE_EXPONENT;

/** A square matrix with a binary exponent: its value is entries · 2^exponent. */
interface ScaledMatrix {
  entries: Float64Array;
  exponent: number;
}

function multiply(a: ScaledMatrix, b: ScaledMatrix, size: number): ScaledMatrix {
  const out = new Float64Array(size * size);
  const x = a.entries;
  const y = b.entries;
  for (let i = 0; i < size; i++) {
    const row = i * size;
    for (let k = 0; k < size; k++) {
      const factor = x[row + k];
      if (factor === 0) continue;
      const other = k * size;
      for (let j = 0; j < size; j++) out[row + j] += factor * y[other + j];
    }
  }
  return rescale({ entries: out, exponent: a.exponent + b.exponent });
}

/** Brings the largest entry near 1 when it has left [2^-128, 2^128]; exact, as it scales by 2^k. */
function rescale(matrix: ScaledMatrix): ScaledMatrix {
  let largest = 0;
  for (const value of matrix.entries) largest = Math.max(largest, Math.abs(value));
  if (largest === 0 || (largest <= BIG && largest >= SMALL)) return matrix;
  const shift = Math.floor(Math.log2(largest));
  const factor = ldexp(1, -shift);
  for (let i = 0; i < matrix.entries.length; i++) matrix.entries[i] *= factor;
  return { entries: matrix.entries, exponent: matrix.exponent + shift };
}

/**
 * Pr(D_n <= d) for the two-sided one-sample Kolmogorov–Smirnov statistic by Durbin's matrix
 * algorithm in the form of Marsaglia, Tsang and Wang (2003), as scipy's _kolmogn_DMTW.
 */
export function durbinMatrixCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;

  // v[j] = (1 - h^(j+1)) / (j+1)!, w[j] = 1/j!; H has w on its sub-diagonals, v in the first column
  // and reversed in the last row.
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let factorial = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = factorial;
    factorial /= j;
    v[j - 1] = (1 - h ** j) * factorial;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * factorial;

  const entries = new Float64Array(m * m);
  for (let i = 1; i < m; i++) {
    for (let row = i - 1; row < m; row++) entries[row * m + i] = w[row - i + 1];
  }
  for (let row = 0; row < m; row++) entries[row * m] = v[row];
  for (let column = 0; column < m; column++) entries[(m - 1) * m + column] = v[m - 1 - column];

  let power: ScaledMatrix = { entries: new Float64Array(m * m), exponent: 0 };
  for (let i = 0; i < m; i++) power.entries[i * m + i] = 1;
  let base: ScaledMatrix = rescale({ entries, exponent: 0 });
  for (let remaining = n; remaining > 0; remaining = Math.floor(remaining / 2)) {
    if (remaining % 2 === 1) power = multiply(power, base, m);
    if (remaining > 1) base = multiply(base, base, m);
  }

  // Multiply by n!/n^n.
  let p = power.entries[(k - 1) * m + (k - 1)];
  let exponent = power.exponent;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < SMALL) {
      p *= BIG;
      exponent -= SCALE_EXPONENT;
    }
  }
  return Math.min(1, Math.max(0, ldexp(p, exponent)));
}
