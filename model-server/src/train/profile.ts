import {
  histogramBin,
  type CategoricalProfile,
  type NumericalProfile,
  type TrainingProfile,
} from '../model/profile.js';
import { isMissing, type Row } from '../model/preprocess/row.js';
import { sortedPercentileLinear } from './stats.js';

const QUANTILES = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
const HISTOGRAM_BINS = 10;

/**
 * Profiles the raw training inputs (as clients send them) and the model's predictions on them,
 * for drift checks later. `categorical` features get category frequencies, the others quantiles
 * and an equal-width histogram.
 */
export function buildProfile(
  rows: readonly Row[],
  features: readonly string[],
  categorical: ReadonlySet<string>,
  predictions: readonly (number | null)[],
): TrainingProfile {
  const profile: TrainingProfile = {
    rows: rows.length,
    features: {},
    prediction: numericalProfile(predictions, predictions.length),
  };
  for (const feature of features) {
    const values = rows.map((row) => row[feature]);
    profile.features[feature] = categorical.has(feature)
      ? categoricalProfile(values)
      : numericalProfile(
          values.map((v) => (typeof v === 'number' ? v : null)),
          values.length,
        );
  }
  return profile;
}

function categoricalProfile(values: readonly (number | string | null | undefined)[]): CategoricalProfile {
  const counts = new Map<string, number>();
  let present = 0;
  for (const value of values) {
    if (isMissing(value)) continue;
    counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
    present++;
  }
  const frequencies: Record<string, number> = {};
  for (const [label, count] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    frequencies[label] = count / present;
  return { type: 'categorical', count: present, missingRate: 1 - present / values.length, frequencies };
}

function numericalProfile(values: readonly (number | null)[], total: number): NumericalProfile {
  const sorted = Float64Array.from(
    values.filter((v): v is number => v !== null && Number.isFinite(v)),
  ).sort();
  const n = sorted.length;
  const min = n > 0 ? sorted[0] : 0;
  const max = n > 0 ? sorted[n - 1] : 0;
  let sum = 0;
  for (const v of sorted) sum += v;
  const mean = n > 0 ? sum / n : 0;
  let squares = 0;
  for (const v of sorted) squares += (v - mean) ** 2;
  const edges = Array.from({ length: HISTOGRAM_BINS + 1 }, (_, i) =>
    i === HISTOGRAM_BINS ? max : min + ((max - min) * i) / HISTOGRAM_BINS,
  );
  const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
  for (const v of sorted) counts[histogramBin(edges, v)]++;
  return {
    type: 'numerical',
    count: n,
    missingRate: total > 0 ? 1 - n / total : 0,
    min,
    max,
    mean,
    std: n > 0 ? Math.sqrt(squares / n) : 0,
    quantiles: {
      probabilities: QUANTILES,
      values: QUANTILES.map((q) => (n > 0 ? sortedPercentileLinear(sorted, q * 100) : 0)),
    },
    histogram: { edges, counts },
    sample: Array.from(sorted),
  };
}
