import { isMissing } from './preprocess/row.js';
import type { FeatureProfile, NumericalProfile, TrainingProfile } from './profile.js';

/** Numerical features with at most this many distinct integer training values are discrete. */
export const MAX_DISCRETE_VALUES = 20;
/** Label of the bin holding missing values (every feature has one, last). */
export const MISSING_BIN = '(missing)';
/** Label of the bin holding categories or discrete values never seen in training. */
export const UNSEEN_BIN = '(unseen)';

/**
 * How one feature's values are grouped to compare live traffic with training: decile bins for
 * numerical features, one bin per training value for discrete and categorical ones (plus an
 * unseen bin), and a missing bin last. The same bins feed the model-server's live input counters
 * and `model-server assess`, so the operator's PSI gate and the report agree.
 */
export interface FeatureBins {
  feature: string;
  kind: 'numerical' | 'discrete' | 'categorical';
  /** One label per bin, e.g. `[7051, 8068)`, `5`, `Pave`, `(unseen)`, `(missing)`. */
  labels: string[];
  /** Training rows per bin (same order as labels). */
  trainingCounts: number[];
  /** Index of the bin a raw input value falls in. */
  binOf(value: unknown): number;
}

/** Bins of every profiled feature, in profile order. */
export function profileBins(profile: TrainingProfile): FeatureBins[] {
  return Object.entries(profile.features).map(([feature, p]) => featureBins(feature, p, profile.rows));
}

/** Bins of one feature; numerical profiles need their training sample. */
export function featureBins(feature: string, profile: FeatureProfile, rows: number): FeatureBins {
  const missing = Math.round(profile.missingRate * rows);
  if (profile.type === 'categorical') {
    const categories = Object.keys(profile.frequencies);
    const index = new Map(categories.map((c, i) => [c, i]));
    return {
      feature,
      kind: 'categorical',
      labels: [...categories, UNSEEN_BIN, MISSING_BIN],
      trainingCounts: [
        ...categories.map((c) => Math.round(profile.frequencies[c] * profile.count)),
        0,
        missing,
      ],
      binOf: (value) =>
        isMissingInput(value) ? categories.length + 1 : (index.get(String(value)) ?? categories.length),
    };
  }
  const sample = sampleOf(feature, profile);
  const distinct = distinctSorted(sample);
  if (distinct.length <= MAX_DISCRETE_VALUES && distinct.every(Number.isInteger)) {
    const index = new Map(distinct.map((v, i) => [v, i]));
    const counts = new Array<number>(distinct.length + 2).fill(0);
    for (const v of sample) counts[index.get(v)!]++;
    counts[distinct.length + 1] = missing;
    return {
      feature,
      kind: 'discrete',
      labels: [...distinct.map(String), UNSEEN_BIN, MISSING_BIN],
      trainingCounts: counts,
      binOf: (value) => {
        const number = numericInput(value);
        return number === null ? distinct.length + 1 : (index.get(number) ?? distinct.length);
      },
    };
  }
  const edges = decileEdges(sample);
  const counts = new Array<number>(edges.length + 2).fill(0);
  const bin = (v: number): number => upperBound(edges, v);
  for (const v of sample) counts[bin(v)]++;
  counts[edges.length + 1] = missing;
  return {
    feature,
    kind: 'numerical',
    labels: [...intervalLabels(edges), MISSING_BIN],
    trainingCounts: counts,
    binOf: (value) => {
      const number = numericInput(value);
      return number === null ? edges.length + 1 : bin(number);
    },
  };
}

/** The training sample of a numerical profile; old artifacts without one are refused by name. */
export function sampleOf(feature: string, profile: NumericalProfile): number[] {
  if (!profile.sample) {
    throw new Error(
      `profile of ${feature} has no training sample: the artifact predates drift assessment; retrain it`,
    );
  }
  return profile.sample;
}

/** Whether a raw input counts as missing (null, absent, NaN, or the empty string). */
export function isMissingInput(value: unknown): boolean {
  return value === '' || isMissing(value as number | string | null | undefined);
}

/** A raw input as a number, or null when missing or not numeric. */
export function numericInput(value: unknown): number | null {
  if (isMissingInput(value)) return null;
  const number = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(number) ? number : null;
}

function distinctSorted(sorted: readonly number[]): number[] {
  const out: number[] = [];
  for (const v of sorted) if (out.length === 0 || out[out.length - 1] !== v) out.push(v);
  return out;
}

/** Distinct interior decile cut points of an ascending sample (lower-value convention). */
function decileEdges(sorted: readonly number[]): number[] {
  const edges: number[] = [];
  for (let d = 1; d < 10; d++) {
    const v = sorted[Math.floor((d * sorted.length) / 10)];
    if (v !== undefined && v > sorted[0] && (edges.length === 0 || v > edges[edges.length - 1])) {
      edges.push(v);
    }
  }
  return edges;
}

/** Number of edges <= v: bin i holds edges[i-1] <= v < edges[i]. */
function upperBound(edges: readonly number[], v: number): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (edges[mid] <= v) low = mid + 1;
    else high = mid;
  }
  return low;
}

function intervalLabels(edges: readonly number[]): string[] {
  if (edges.length === 0) return ['all'];
  const labels = (show: (v: number) => string): string[] => [
    `< ${show(edges[0])}`,
    ...edges.slice(1).map((e, i) => `[${show(edges[i])}, ${show(e)})`),
    `>= ${show(edges[edges.length - 1])}`,
  ];
  const short = labels((v) => String(Number(v.toPrecision(6))));
  // Edges closer than 6 significant digits would share a label (and a metric series).
  return new Set(short).size === short.length ? short : labels(String);
}
