import type { LinearEstimator } from '../model/artifact.js';

/**
 * Ridge regression on standardized columns (mean 0, standard deviation 1; constant columns are
 * left unscaled): minimizes |y - b0 - X b|^2 + alpha |b|^2 with the intercept unpenalized, by
 * solving the normal equations with a Cholesky factorization.
 */
export function fitRidge(columns: Float64Array[], y: Float64Array, alpha: number): LinearEstimator {
  const p = columns.length;
  const n = y.length;
  const means = columns.map((c) => c.reduce((s, v) => s + v, 0) / n);
  const scales = columns.map((c, j) => {
    const variance = c.reduce((s, v) => s + (v - means[j]) ** 2, 0) / n;
    return variance > 1e-12 ? Math.sqrt(variance) : 1;
  });
  const z = columns.map((c, j) => c.map((v) => (v - means[j]) / scales[j]));
  const yMean = y.reduce((s, v) => s + v, 0) / n;
  const gram = Array.from({ length: p }, (_, a) =>
    Array.from({ length: p }, (_, b) => z[a].reduce((s, v, i) => s + v * z[b][i], 0) + (a === b ? alpha : 0)),
  );
  const rhs = z.map((c) => c.reduce((s, v, i) => s + v * (y[i] - yMean), 0));
  const coefficients = choleskySolve(gram, rhs);
  return { type: 'ridge', alpha, intercept: yMean, coefficients, means, scales };
}

/** Solves A x = b for a symmetric positive definite A. */
function choleskySolve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i][j];
      for (let k = 0; k < j; k++) sum -= l[i][k] * l[j][k];
      if (i === j) {
        // A column that is constant (or a copy of others) with alpha 0 leaves A singular.
        if (sum <= 1e-12)
          throw new Error('ridge system is singular: use ridge_alpha > 0 or drop constant/duplicate inputs');
        l[i][i] = Math.sqrt(sum);
      } else l[i][j] = sum / l[j][j];
    }
  }
  const forward = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= l[i][k] * forward[k];
    forward[i] = sum / l[i][i];
  }
  const x = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = forward[i];
    for (let k = i + 1; k < n; k++) sum -= l[k][i] * x[k];
    x[i] = sum / l[i][i];
  }
  return x;
}
