import type { LinearEstimator } from './artifact.js';

/** Ridge inference: intercept + sum(coef_j * (x_j - mean_j) / scale_j) over a row-major matrix. */
export class LinearPredictor {
  constructor(
    private readonly estimator: LinearEstimator,
    readonly nFeatures: number,
  ) {}

  predictRow(x: ArrayLike<number>, offset = 0): number {
    const { coefficients, means, scales } = this.estimator;
    let sum = this.estimator.intercept;
    for (let j = 0; j < coefficients.length; j++)
      sum += (coefficients[j] * (x[offset + j] - means[j])) / scales[j];
    return sum;
  }

  predictBatch(x: Float64Array, rows: number, out: Float64Array): void {
    for (let r = 0; r < rows; r++) out[r] = this.predictRow(x, r * this.nFeatures);
  }
}
