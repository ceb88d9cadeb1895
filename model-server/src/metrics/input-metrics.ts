import { Counter, Gauge, type Registry } from 'prom-client';
import { profileBins, type FeatureBins } from '../model/profile-bins.js';
import type { TrainingProfile } from '../model/profile.js';
import type { ModelLabels } from './serve-metrics.js';

/** Counter of received records by profiled feature and training-profile bin. */
export const INPUT_RECORDS_METRIC = 'house_price_input_records_total';

/** Gauge of the training share of each bin of each profiled feature. */
export const TRAINING_BIN_RATIO_METRIC = 'house_price_training_bin_ratio';

type InputLabel = keyof ModelLabels | 'feature' | 'bin';

/** Live input distributions, binned like the training profile (see `profileBins`). */
export interface InputMetrics {
  /** Counts every record once per profiled feature, in the bin its value falls in. */
  observeRecords(records: readonly Record<string, unknown>[]): void;
}

/**
 * The bins of the model's training profile; none, with one warning, for an artifact trained before
 * the profile kept its training sample, and none for a model without a profile (a stand-in).
 * A feature whose bin labels are not unique is left out with a warning, since two bins under one
 * label would be added up into one series.
 */
export function inputBinsOf(
  profile: TrainingProfile | undefined,
  warn: (message: string) => void,
): FeatureBins[] {
  if (!profile?.features) return [];
  let bins: FeatureBins[];
  try {
    bins = profileBins(profile);
  } catch (error) {
    warn(`live input distributions are not exported: ${(error as Error).message}`);
    return [];
  }
  return bins.filter((feature) => {
    if (new Set(feature.labels).size === feature.labels.length) return true;
    warn(`live inputs of ${feature.feature} are not exported: two of its bins have the same label`);
    return false;
  });
}

/**
 * Registers `house_price_input_records_total{feature,bin}` and
 * `house_price_training_bin_ratio{feature,bin}` in `registry`, every series created at start
 * (counters at 0) so that `increase()` sees the first records. The families are registered even
 * without bins, so that their names are known, but then hold no series.
 *
 * The request path only adds to a typed array; the counter is brought up to date when scraped.
 */
export function registerInputMetrics(
  registry: Registry,
  labels: ModelLabels,
  bins: readonly FeatureBins[],
): InputMetrics {
  const labelNames: InputLabel[] = ['model_name', 'model_version', 'variant', 'feature', 'bin'];
  const offsets = new Int32Array(bins.length);
  let size = 0;
  bins.forEach((feature, f) => {
    offsets[f] = size;
    size += feature.labels.length;
  });
  const counts = new Float64Array(size);
  const published = new Float64Array(size);
  const children: Counter.Internal[] = [];

  const records = new Counter<InputLabel>({
    name: INPUT_RECORDS_METRIC,
    help: 'Records received, by profiled input feature and by bin of its training profile.',
    labelNames,
    registers: [registry],
    collect() {
      for (let i = 0; i < size; i++) {
        const delta = counts[i] - published[i];
        if (delta > 0) {
          children[i].inc(delta);
          published[i] = counts[i];
        }
      }
    },
  });
  const ratios = new Gauge<InputLabel>({
    name: TRAINING_BIN_RATIO_METRIC,
    help: 'Share of the training rows in each bin of each profiled input feature (the PSI baseline).',
    labelNames,
    registers: [registry],
  });
  for (const feature of bins) {
    const total = feature.trainingCounts.reduce((sum, n) => sum + n, 0);
    feature.labels.forEach((bin, i) => {
      const series = { ...labels, feature: feature.feature, bin };
      const child = records.labels(series);
      child.inc(0);
      children.push(child);
      ratios.set(series, total > 0 ? feature.trainingCounts[i] / total : 0);
    });
  }

  const names = bins.map((feature) => feature.feature);
  const binOf = bins.map((feature) => feature.binOf);
  return {
    observeRecords(batch) {
      for (const record of batch) {
        for (let f = 0; f < names.length; f++) counts[offsets[f] + binOf[f](record[names[f]])]++;
      }
    },
  };
}
