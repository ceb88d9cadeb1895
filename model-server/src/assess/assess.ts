import { featureBins, numericInput, sampleOf, type FeatureBins } from '../model/profile-bins.js';
import type { FeatureProfile, NumericalProfile, TrainingProfile } from '../model/profile.js';
import { formatPercent, formatPsi, formatPValue, formatStatistic } from './report-format.js';
import type { LiveData, LiveFeatureCounts, ShadowPairs } from './live-data.js';
import { chiSquareContingency } from './stats/chi-square.js';
import { fisherExact } from './stats/fisher.js';
import { ksTwoSample, weightedSample, weightedSampleFromCounts, type WeightedSample } from './stats/ks.js';
import { populationStabilityIndex } from './stats/psi.js';
import type {
  Assessment,
  AssessmentScope,
  AssessmentThresholds,
  BinnedComparison,
  FeatureAssessment,
  PredictionAssessment,
  PredictionSummary,
  ShadowAssessment,
  TestResult,
} from './types.js';

/** What an assessment compares: the artifact's training profile and what the store holds. */
export interface AssessmentInput {
  scope: AssessmentScope;
  thresholds: AssessmentThresholds;
  artifact: { name: string; version: string; sha256: string; profile: TrainingProfile };
  live: LiveData;
  shadow: ShadowPairs | null;
}

/** At most this many unseen values are listed per feature. */
const MAX_UNSEEN_LISTED = 20;
/** A shadow pair differs notably when the candidate is this far from the master, relatively. */
const NOTABLE_RELATIVE_DIFFERENCE = 0.1;

/** Compares live inputs and predictions with the training profile (pure; no I/O). */
export function assess(input: AssessmentInput): Omit<Assessment, 'generatedAt' | 'seconds'> {
  const { scope, thresholds, artifact, live, shadow } = input;
  const { profile } = artifact;
  const base = {
    scope,
    thresholds,
    artifact: {
      name: artifact.name,
      version: artifact.version,
      sha256: artifact.sha256,
      trainingRows: profile.rows,
    },
    rows: live.rows,
  };
  if (live.rows === 0) return { ...base, features: [], prediction: null, shadow: null, verdict: 'empty' };
  const features = Object.entries(profile.features).map(([feature, featureProfile]) =>
    assessFeature(feature, featureProfile, profile.rows, live.features.get(feature), live.rows, thresholds),
  );
  const prediction =
    live.predictions.size > 0 ? assessPredictions(profile, live.predictions, thresholds) : null;
  const shadowResult = shadow ? assessShadow(profile, scope.version, shadow, thresholds) : null;
  const anyFinding = [...features, prediction, shadowResult].some((part) => (part?.findings.length ?? 0) > 0);
  return { ...base, features, prediction, shadow: shadowResult, verdict: anyFinding ? 'drift' : 'ok' };
}

function assessFeature(
  feature: string,
  profile: FeatureProfile,
  trainingRows: number,
  counts: LiveFeatureCounts | undefined,
  liveRows: number,
  thresholds: AssessmentThresholds,
): FeatureAssessment {
  const live = counts ?? { values: new Map(), missing: liveRows };
  const bins = featureBins(feature, profile, trainingRows);
  const binned = binLive(bins, live);
  const missingBin = bins.labels.length - 1;
  const trainingMissing = bins.trainingCounts[missingBin];
  const livePresent = liveRows - live.missing;
  const findings: string[] = [];
  const psi = populationStabilityIndex(binned.trainingCounts, binned.liveCounts);
  if (psi >= thresholds.psi) findings.push(`PSI ${formatPsi(psi)} >= ${thresholds.psi}`);

  const missing = missingTest(trainingMissing, trainingRows - trainingMissing, live.missing, livePresent);
  const liveMissingRate = liveRows > 0 ? live.missing / liveRows : 0;
  const trainingMissingRate = trainingRows > 0 ? trainingMissing / trainingRows : 0;
  if (missing && missing.pValue !== null && missing.pValue < thresholds.pValue) {
    findings.push(
      `missing ${formatPercent(liveMissingRate)} live vs ${formatPercent(trainingMissingRate)} in training (${missing.test} p ${formatPValue(missing.pValue)})`,
    );
  }

  let distribution: TestResult | null = null;
  let range: FeatureAssessment['range'];
  let unseen: FeatureAssessment['unseen'];
  if (bins.kind !== 'categorical') {
    const numeric = numericProfile(profile);
    const liveSample = numericCounts(live);
    if (bins.kind === 'numerical' && liveSample.n > 0) {
      const ks = ksTwoSample(weightedSample(sampleOf(feature, numeric)), liveSample);
      distribution = { test: 'ks', statistic: ks.statistic, pValue: ks.pValue };
    }
    range = rangeOf(numeric, liveSample);
    const outside = range.below + range.above;
    if (outside > 0) {
      findings.push(
        `${outside} value(s) outside the training range [${numeric.min}, ${numeric.max}] (live ${range.liveMin} to ${range.liveMax})`,
      );
    }
  }
  if (bins.kind !== 'numerical') {
    if (livePresent > 0) distribution = chiSquareOverBins(binned, missingBin);
    unseen = unseenValues(bins, live);
    if (unseen.length > 0) {
      const rows = unseen.reduce((sum, u) => sum + u.count, 0);
      findings.push(
        `${rows} row(s) with value(s) never seen in training: ${unseen
          .slice(0, 5)
          .map((u) => u.value)
          .join(', ')}`,
      );
    }
  }
  if (distribution && distribution.pValue !== null && distribution.pValue < thresholds.pValue) {
    findings.push(
      `${distribution.test === 'ks' ? 'KS' : 'chi-square'} ${formatStatistic(distribution.statistic)}, p ${formatPValue(distribution.pValue)} < ${thresholds.pValue}`,
    );
  }
  return {
    feature,
    kind: bins.kind,
    trainingRows,
    liveRows,
    trainingMissingRate,
    liveMissingRate,
    missing,
    distribution,
    psi,
    bins: binned,
    ...(range ? { range } : {}),
    ...(unseen ? { unseen } : {}),
    findings,
  };
}

function assessPredictions(
  profile: TrainingProfile,
  live: Map<number, number>,
  thresholds: AssessmentThresholds,
): PredictionAssessment {
  const trainingSample = weightedSample(sampleOf('prediction', profile.prediction));
  const liveSample = weightedSampleFromCounts(live);
  const result = ksTwoSample(trainingSample, liveSample);
  const ks: TestResult = { test: 'ks', statistic: result.statistic, pValue: result.pValue };
  const bins = featureBins('prediction', profile.prediction, profile.rows);
  const binned = binLive(bins, { values: live, missing: 0 });
  const psi = populationStabilityIndex(binned.trainingCounts, binned.liveCounts);
  const findings: string[] = [];
  if (psi >= thresholds.psi) findings.push(`prediction PSI ${formatPsi(psi)} >= ${thresholds.psi}`);
  if (ks.pValue !== null && ks.pValue < thresholds.pValue) {
    findings.push(
      `prediction KS ${formatStatistic(ks.statistic)}, p ${formatPValue(ks.pValue)} < ${thresholds.pValue}`,
    );
  }
  return {
    training: summarize(trainingSample),
    live: summarize(liveSample),
    ks,
    psi,
    bins: binned,
    findings,
  };
}

function assessShadow(
  profile: TrainingProfile,
  candidateVersion: string,
  pairs: ShadowPairs,
  thresholds: AssessmentThresholds,
): ShadowAssessment {
  const { master, candidate } = pairs;
  const n = master.length;
  const relative = new Float64Array(n);
  let sumDifference = 0;
  let notable = 0;
  for (let i = 0; i < n; i++) {
    const difference = candidate[i] - master[i];
    sumDifference += difference;
    relative[i] = master[i] === 0 ? (difference === 0 ? 0 : Infinity) : Math.abs(difference / master[i]);
    if (relative[i] > NOTABLE_RELATIVE_DIFFERENCE) notable++;
  }
  relative.sort();
  let sumRelative = 0;
  for (const r of relative) sumRelative += r;
  const result = ksTwoSample(weightedSample(master), weightedSample(candidate));
  const ks: TestResult = { test: 'ks', statistic: result.statistic, pValue: result.pValue };
  const bins = featureBins('prediction', profile.prediction, profile.rows);
  const binned: BinnedComparison = {
    labels: bins.labels.slice(0, -1),
    // In this comparison "training" is the master: the reference the candidate is held against.
    trainingCounts: countBins(bins, master),
    liveCounts: countBins(bins, candidate),
  };
  const findings: string[] = [];
  if (ks.pValue !== null && ks.pValue < thresholds.pValue) {
    findings.push(
      `candidate vs master KS ${formatStatistic(ks.statistic)}, p ${formatPValue(ks.pValue)} < ${thresholds.pValue}`,
    );
  }
  return {
    candidateVersion,
    masterVersion: pairs.masterVersion,
    pairs: n,
    ks,
    relativeDifference: {
      mean: sumRelative / n,
      p50: quantileSorted(relative, 0.5),
      p95: quantileSorted(relative, 0.95),
      p99: quantileSorted(relative, 0.99),
      max: relative[n - 1],
    },
    meanDifference: sumDifference / n,
    overTenPercent: notable,
    bins: binned,
    findings,
  };
}

/** Live rows per bin, beside the training rows per bin. */
function binLive(bins: FeatureBins, live: LiveFeatureCounts): BinnedComparison {
  const liveCounts = new Array<number>(bins.labels.length).fill(0);
  for (const [value, count] of live.values) liveCounts[bins.binOf(value)] += count;
  liveCounts[bins.labels.length - 1] += live.missing;
  return { labels: bins.labels, trainingCounts: bins.trainingCounts, liveCounts };
}

function countBins(bins: FeatureBins, values: Float64Array): number[] {
  const counts = new Array<number>(bins.labels.length - 1).fill(0);
  for (const v of values) counts[Math.min(bins.binOf(v), counts.length - 1)]++;
  return counts;
}

/** Missing vs present, training vs live: Fisher exact for small expected counts, else chi-square. */
function missingTest(
  trainingMissing: number,
  trainingPresent: number,
  liveMissing: number,
  livePresent: number,
): TestResult | null {
  if (trainingMissing + liveMissing === 0 || trainingPresent + livePresent === 0) return null;
  if (trainingMissing + trainingPresent === 0 || liveMissing + livePresent === 0) return null;
  const table = [
    [trainingMissing, trainingPresent],
    [liveMissing, livePresent],
  ] as const;
  const total = trainingMissing + trainingPresent + liveMissing + livePresent;
  const smallestExpected = Math.min(
    ((trainingMissing + liveMissing) *
      Math.min(trainingMissing + trainingPresent, liveMissing + livePresent)) /
      total,
    ((trainingPresent + livePresent) *
      Math.min(trainingMissing + trainingPresent, liveMissing + livePresent)) /
      total,
  );
  if (smallestExpected < 5) {
    const fisher = fisherExact(table);
    return { test: 'fisher', statistic: fisher.oddsRatio, pValue: fisher.pValue };
  }
  const chi = chiSquareContingency(table);
  return { test: 'chi-square', statistic: chi.statistic, pValue: chi.pValue, dof: chi.dof };
}

/** Chi-square over the present-value bins that either side used. */
function chiSquareOverBins(binned: BinnedComparison, missingBin: number): TestResult | null {
  const used: number[] = [];
  for (let i = 0; i < missingBin; i++) {
    if (binned.trainingCounts[i] + binned.liveCounts[i] > 0) used.push(i);
  }
  if (used.length < 2) return null;
  const chi = chiSquareContingency([
    used.map((i) => binned.trainingCounts[i]),
    used.map((i) => binned.liveCounts[i]),
  ]);
  return { test: 'chi-square', statistic: chi.statistic, pValue: chi.pValue, dof: chi.dof };
}

function numericProfile(profile: FeatureProfile): NumericalProfile {
  if (profile.type !== 'numerical') throw new Error('expected a numerical profile');
  return profile;
}

/** The live numeric values of a feature (values that are not numbers are left out). */
function numericCounts(live: LiveFeatureCounts): WeightedSample {
  const counts = new Map<number, number>();
  for (const [value, count] of live.values) {
    const number = numericInput(value);
    if (number !== null) counts.set(number, (counts.get(number) ?? 0) + count);
  }
  return weightedSampleFromCounts(counts);
}

function rangeOf(profile: NumericalProfile, live: WeightedSample): NonNullable<FeatureAssessment['range']> {
  let below = 0;
  let above = 0;
  for (let i = 0; i < live.values.length; i++) {
    if (live.values[i] < profile.min) below += live.counts[i];
    else if (live.values[i] > profile.max) above += live.counts[i];
  }
  const last = live.values.length - 1;
  return {
    trainingMin: profile.min,
    trainingMax: profile.max,
    liveMin: last >= 0 ? live.values[0] : null,
    liveMax: last >= 0 ? live.values[last] : null,
    below,
    above,
  };
}

function unseenValues(bins: FeatureBins, live: LiveFeatureCounts): { value: string; count: number }[] {
  const unseenBin = bins.labels.length - 2;
  const found: { value: string; count: number }[] = [];
  for (const [value, count] of live.values) {
    if (bins.binOf(value) === unseenBin) found.push({ value: String(value), count });
  }
  return found.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1)).slice(0, MAX_UNSEEN_LISTED);
}

function summarize(sample: WeightedSample): PredictionSummary {
  let sum = 0;
  for (let i = 0; i < sample.values.length; i++) sum += sample.values[i] * sample.counts[i];
  return {
    count: sample.n,
    mean: sample.n > 0 ? sum / sample.n : 0,
    quantiles: {
      p05: weightedQuantile(sample, 0.05),
      p50: weightedQuantile(sample, 0.5),
      p95: weightedQuantile(sample, 0.95),
    },
  };
}

/** The smallest value whose cumulative share reaches q. */
function weightedQuantile(sample: WeightedSample, q: number): number {
  const target = q * sample.n;
  let cumulative = 0;
  for (let i = 0; i < sample.values.length; i++) {
    cumulative += sample.counts[i];
    if (cumulative >= target) return sample.values[i];
  }
  return sample.values[sample.values.length - 1] ?? 0;
}

function quantileSorted(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
