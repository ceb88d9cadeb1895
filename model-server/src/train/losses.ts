import { mean, percentileLinear, weightedPercentile } from './stats.js';

/** What gradient boosting needs from a loss function (scikit-learn's formulas). */
export interface BoostingLoss {
  /** The constant first prediction (scikit-learn's default `init`). */
  initialPrediction(y: Float64Array): number;
  /** Called once per stage before the gradient (huber re-estimates its delta here). */
  beginStage(y: Float64Array, raw: Float64Array): void;
  /** Negative gradient of the loss at the current predictions: what the next tree fits. */
  negativeGradient(y: Float64Array, raw: Float64Array, out: Float64Array): void;
  /** Optional line search: the value of one leaf from its in-bag samples (indices). */
  leafValue?(y: Float64Array, raw: Float64Array, indices: Int32Array): number;
}

/** Least squares: init = mean, gradient = residual, leaves = mean residual (no update). */
export class LeastSquaresLoss implements BoostingLoss {
  initialPrediction(y: Float64Array): number {
    return mean(y);
  }

  beginStage(): void {}

  negativeGradient(y: Float64Array, raw: Float64Array, out: Float64Array): void {
    for (let i = 0; i < y.length; i++) out[i] = y[i] - raw[i];
  }
}

/**
 * Huber loss as scikit-learn's gradient boosting uses it: init = median; each stage sets delta
 * to the `alpha` quantile of |y - raw| over all training samples; residuals beyond delta are
 * clipped; each leaf becomes median(r) + mean(sign(r - median) * min(delta, |r - median|)).
 */
export class HuberLoss implements BoostingLoss {
  delta = NaN;

  constructor(readonly alpha = 0.9) {}

  initialPrediction(y: Float64Array): number {
    return percentileLinear(y, 50);
  }

  beginStage(y: Float64Array, raw: Float64Array): void {
    const absolute = new Float64Array(y.length);
    for (let i = 0; i < y.length; i++) absolute[i] = Math.abs(y[i] - raw[i]);
    this.delta = weightedPercentile(absolute, null, 100 * this.alpha);
  }

  negativeGradient(y: Float64Array, raw: Float64Array, out: Float64Array): void {
    const delta = this.delta;
    for (let i = 0; i < y.length; i++) {
      const diff = y[i] - raw[i];
      out[i] = Math.abs(diff) <= delta ? diff : delta * Math.sign(diff);
    }
  }

  leafValue(y: Float64Array, raw: Float64Array, indices: Int32Array): number {
    const residuals = new Float64Array(indices.length);
    for (let i = 0; i < indices.length; i++) residuals[i] = y[indices[i]] - raw[indices[i]];
    const median = weightedPercentile(residuals, null, 50);
    let sum = 0;
    for (const r of residuals) sum += Math.sign(r - median) * Math.min(this.delta, Math.abs(r - median));
    return median + sum / residuals.length;
  }
}
