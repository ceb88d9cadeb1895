import type { TrainingMetrics } from '../model/types.js';

/** RMSE, RMSLE (log1p, predictions below 0 clipped to 0) and R² of `predicted` against `actual`. */
export function regressionMetrics(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  trainRows: number,
): TrainingMetrics {
  const n = actual.length;
  let squared = 0;
  let squaredLog = 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += actual[i] / n;
  let total = 0;
  for (let i = 0; i < n; i++) {
    squared += (predicted[i] - actual[i]) ** 2;
    squaredLog += (Math.log1p(Math.max(0, predicted[i])) - Math.log1p(actual[i])) ** 2;
    total += (actual[i] - mean) ** 2;
  }
  return {
    rmse: Math.sqrt(squared / n),
    rmsle: Math.sqrt(squaredLog / n),
    r2: 1 - squared / total,
    trainRows,
    testRows: n,
  };
}
