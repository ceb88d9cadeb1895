/**
 * The training profile stored in an artifact: what the training inputs and predictions looked
 * like, for drift checks (PSI, chi-square, KS) against live traffic.
 */
export interface TrainingProfile {
  /** Number of training rows profiled (the training part of the split). */
  rows: number;
  /** One entry per raw input feature (course spelling), as clients send it. */
  features: Record<string, FeatureProfile>;
  /** Distribution of the model's predictions (dollars) on the training rows. */
  prediction: NumericalProfile;
}

export type FeatureProfile = NumericalProfile | CategoricalProfile;

/** Distribution of a numerical value. */
export interface NumericalProfile {
  type: 'numerical';
  /** Non-missing values seen. */
  count: number;
  /** Share of rows where the value was missing. */
  missingRate: number;
  min: number;
  max: number;
  mean: number;
  std: number;
  /** `values[i]` is the `probabilities[i]` quantile (NumPy's linear interpolation): 0, 0.1, ... 1. */
  quantiles: { probabilities: number[]; values: number[] };
  /**
   * Equal-width bins between min and max: bin i holds edges[i] <= v < edges[i+1] (the last bin
   * also holds max). `histogramBin` places live values, clamping those outside to the end bins.
   */
  histogram: { edges: number[]; counts: number[] };
  /**
   * Every non-missing training value, ascending: the reference sample for two-sample tests
   * (KS) and exact bin shares. Absent in artifacts trained before drift assessment existed.
   */
  sample?: number[];
}

/** Distribution of a categorical value. */
export interface CategoricalProfile {
  type: 'categorical';
  count: number;
  missingRate: number;
  /** Share of non-missing rows per category (sums to 1). */
  frequencies: Record<string, number>;
}

/** The histogram bin of `value`; values below the first edge go to bin 0, above the last to the last bin. */
export function histogramBin(edges: readonly number[], value: number): number {
  const bins = edges.length - 1;
  if (bins <= 1 || !(value >= edges[1])) return 0;
  if (value >= edges[bins]) return bins - 1;
  let low = 1;
  let high = bins - 1;
  while (low < high) {
    const mid = (low + high + 1) >>> 1;
    if (edges[mid] <= value) low = mid;
    else high = mid - 1;
  }
  return low;
}
