/**
 * A realistic Assessment for renderer tests, built from plausible numbers: the training bins of
 * the house-price artifact (1,314 rows), a week of live traffic where GrLivArea drifted towards
 * larger houses, and shadow pairs of a candidate against its master. The statistics are computed
 * from the binned counts so that they agree with each other (close to what the real assessment
 * computes on raw values, not identical).
 *
 * The same object is stored as test/fixtures/assess/assessment.json for other tests to reuse;
 * regenerate it with `npx tsx model-server/test/assess/assessment-fixture.ts --write`.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type {
  Assessment,
  BinnedComparison,
  FeatureAssessment,
  ShadowAssessment,
  TestResult,
} from '../../src/assess/types.js';
import { seededRandom } from './seeded-random.js';

/** Where the fixture is stored, relative to the repository root. */
export const FIXTURE_PATH = fileURLToPath(
  new URL('../../../test/fixtures/assess/assessment.json', import.meta.url),
);

const TRAINING_ROWS = 1314;
const LIVE_ROWS = 4800;
const P_THRESHOLD = 0.001;
const PSI_THRESHOLD = 0.25;

interface FeatureSpec {
  feature: string;
  kind: FeatureAssessment['kind'];
  labels: string[];
  trainingCounts: number[];
  /** Relative weight per bin applied to the training shares to make live shares (drift). */
  shift?: number[];
  liveMissingRate?: number;
  range?: FeatureAssessment['range'];
  unseen?: { value: string; count: number }[];
}

const deciles = (edges: number[]): string[] => [
  `< ${edges[0]}`,
  ...edges.slice(1).map((e, i) => `[${edges[i]}, ${e})`),
  `>= ${edges[edges.length - 1]}`,
];

const SPECS: FeatureSpec[] = [
  {
    feature: 'LotArea',
    kind: 'numerical',
    labels: [...deciles([5000, 7050, 8068, 8834, 9525, 10207, 11075, 12182, 14442]), '(missing)'],
    trainingCounts: [128, 134, 132, 131, 131, 132, 130, 133, 131, 132, 0],
    range: { trainingMin: 1300, trainingMax: 215245, liveMin: 1477, liveMax: 159000, below: 0, above: 0 },
  },
  {
    feature: 'OverallQual',
    kind: 'discrete',
    labels: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '(unseen)', '(missing)'],
    trainingCounts: [2, 3, 18, 104, 355, 336, 285, 156, 39, 16, 0, 0],
    shift: [1, 1, 1, 0.95, 0.95, 1, 1.05, 1.1, 1.1, 1.1, 0, 0],
  },
  {
    feature: 'YearRemodAdd',
    kind: 'numerical',
    labels: [...deciles([1961, 1971, 1980, 1993, 1998, 2002, 2005, 2006]), '(missing)'],
    trainingCounts: [259, 132, 130, 119, 119, 129, 147, 62, 217, 0],
    range: { trainingMin: 1950, trainingMax: 2010, liveMin: 1950, liveMax: 2010, below: 0, above: 0 },
  },
  {
    feature: 'BsmtQual',
    kind: 'categorical',
    labels: ['Ex', 'Fa', 'Gd', 'TA', '(unseen)', '(missing)'],
    trainingCounts: [107, 34, 552, 589, 0, 32],
    liveMissingRate: 0.029,
    unseen: [{ value: 'Po', count: 3 }],
  },
  {
    feature: 'BsmtFinSF1',
    kind: 'numerical',
    labels: [...deciles([220, 383, 528, 655, 812, 1078]), '(missing)'],
    trainingCounts: [525, 132, 131, 130, 131, 133, 132, 0],
    range: { trainingMin: 0, trainingMax: 5644, liveMin: 0, liveMax: 2260, below: 0, above: 0 },
  },
  {
    feature: 'TotalBsmtSF',
    kind: 'numerical',
    labels: [...deciles([630, 755, 840, 912, 993, 1090, 1216, 1392, 1604]), '(missing)'],
    trainingCounts: [124, 137, 129, 133, 134, 130, 132, 132, 130, 133, 0],
    range: { trainingMin: 0, trainingMax: 6110, liveMin: 0, liveMax: 3206, below: 0, above: 0 },
  },
  {
    feature: 'FirstFlrSF',
    kind: 'numerical',
    labels: [...deciles([757, 851, 923, 1004, 1092, 1188, 1318, 1489, 1684]), '(missing)'],
    trainingCounts: [130, 132, 131, 129, 133, 131, 133, 131, 132, 132, 0],
    shift: [0.9, 0.92, 0.95, 0.97, 1, 1, 1.03, 1.05, 1.08, 1.1, 0],
    range: { trainingMin: 334, trainingMax: 4692, liveMin: 372, liveMax: 3228, below: 0, above: 0 },
  },
  {
    feature: 'SecondFlrSF',
    kind: 'numerical',
    labels: [...deciles([467, 672, 797, 966]), '(missing)'],
    trainingCounts: [788, 127, 136, 131, 132, 0],
    range: { trainingMin: 0, trainingMax: 1872, liveMin: 0, liveMax: 1818, below: 0, above: 0 },
  },
  {
    feature: 'GrLivArea',
    kind: 'numerical',
    labels: [...deciles([912, 1072, 1211, 1344, 1472, 1593, 1716, 1888, 2169]), '(missing)'],
    trainingCounts: [128, 134, 132, 130, 132, 130, 133, 132, 131, 132, 0],
    // Live traffic asks about much larger houses than the model was trained on.
    shift: [0.35, 0.45, 0.55, 0.65, 0.8, 0.95, 1.1, 1.4, 1.9, 2.9, 0],
    range: { trainingMin: 334, trainingMax: 5642, liveMin: 480, liveMax: 6210, below: 0, above: 9 },
  },
  {
    feature: 'GarageCars',
    kind: 'discrete',
    labels: ['0', '1', '2', '3', '4', '(unseen)', '(missing)'],
    trainingCounts: [74, 333, 740, 164, 3, 0, 0],
    unseen: [{ value: '5', count: 1 }],
  },
  {
    feature: 'YrSold',
    kind: 'discrete',
    labels: ['2006', '2007', '2008', '2009', '2010', '(unseen)', '(missing)'],
    trainingCounts: [289, 285, 278, 304, 158, 0, 0],
  },
];

/** Integer counts proportional to weights that add up to exactly `total` (largest remainder). */
function apportion(weights: number[], total: number): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  if (sum === 0) return weights.map(() => 0);
  const exact = weights.map((w) => (w / sum) * total);
  const counts = exact.map(Math.floor);
  const order = exact.map((e, i) => [e - Math.floor(e), i]).sort((x, y) => y[0] - x[0]);
  const short = total - counts.reduce((s, c) => s + c, 0);
  for (let k = 0; k < short; k++) counts[order[k][1]]++;
  return counts;
}

/** Live counts: training shares reweighted by `shift`, with ±12 % sampling-like noise. */
function liveCounts(training: number[], present: number, shift: number[] | undefined, next: () => number) {
  const weights = training.map((c, i) => c * (shift?.[i] ?? 1) * (1 + (next() - 0.5) * 0.24));
  return apportion(weights, present);
}

const shares = (counts: number[]) => {
  const total = counts.reduce((s, c) => s + c, 0);
  return counts.map((c) => (total === 0 ? 0 : c / total));
};

function psi(bins: BinnedComparison): number {
  const floor = 1e-4;
  const t = shares(bins.trainingCounts);
  const l = shares(bins.liveCounts);
  return t.reduce((s, ti, i) => {
    const a = Math.max(ti, floor);
    const b = Math.max(l[i], floor);
    return s + (b - a) * Math.log(b / a);
  }, 0);
}

/** Two-sample KS on binned counts, with the asymptotic Kolmogorov p-value. */
function ks(a: number[], b: number[]): TestResult {
  const na = a.reduce((s, c) => s + c, 0);
  const nb = b.reduce((s, c) => s + c, 0);
  let ca = 0;
  let cb = 0;
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    ca += a[i] / na;
    cb += b[i] / nb;
    d = Math.max(d, Math.abs(ca - cb));
  }
  const ne = Math.sqrt((na * nb) / (na + nb));
  const lambda = (ne + 0.12 + 0.11 / ne) * d;
  let p = 0;
  for (let k = 1; k <= 100; k++) p += 2 * (-1) ** (k - 1) * Math.exp(-2 * k * k * lambda * lambda);
  return { test: 'ks', statistic: d, pValue: Math.min(1, Math.max(0, p)) };
}

/** ln Γ(a) for the integers and half-integers that dof / 2 takes: Γ(a) = (a - 1) Γ(a - 1). */
function logGamma(a: number): number {
  let sum = Number.isInteger(a) ? 0 : 0.5 * Math.log(Math.PI);
  for (let k = a - 1; k > 0.25; k--) sum += Math.log(k);
  return sum;
}

/** Regularised upper incomplete gamma Q(a, x): the chi-square survival function at (dof/2, x/2). */
function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const front = Math.exp(-x + a * Math.log(x) - logGamma(a));
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 500; n++) {
      term *= x / (a + n);
      sum += term;
    }
    return 1 - sum * front;
  }
  let b = x + 1 - a;
  let c = 1e300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    c = b + an / c;
    d = 1 / d;
    h *= d * c;
  }
  return front * h;
}

/** Pearson chi-square of two samples over the bins where training has values. */
function chiSquare(a: number[], b: number[]): TestResult {
  const used = a.map((_, i) => i).filter((i) => a[i] + b[i] > 0);
  const na = used.reduce((s, i) => s + a[i], 0);
  const nb = used.reduce((s, i) => s + b[i], 0);
  let statistic = 0;
  for (const i of used) {
    const total = a[i] + b[i];
    const ea = (total * na) / (na + nb);
    const eb = (total * nb) / (na + nb);
    statistic += (a[i] - ea) ** 2 / ea + (b[i] - eb) ** 2 / eb;
  }
  const dof = used.length - 1;
  return { test: 'chi-square', statistic, pValue: dof > 0 ? gammaQ(dof / 2, statistic / 2) : null, dof };
}

function missingTest(trainingMissing: number, liveMissing: number): TestResult | null {
  if (trainingMissing === 0 && liveMissing === 0) return null;
  return chiSquare(
    [trainingMissing, TRAINING_ROWS - trainingMissing],
    [liveMissing, LIVE_ROWS - liveMissing],
  );
}

function feature(spec: FeatureSpec, next: () => number): FeatureAssessment {
  const missingBin = spec.labels.length - 1;
  const unseenBin = spec.labels.indexOf('(unseen)');
  const liveMissing = Math.round((spec.liveMissingRate ?? 0) * LIVE_ROWS);
  const unseenCount = (spec.unseen ?? []).reduce((s, u) => s + u.count, 0);
  const present = LIVE_ROWS - liveMissing - unseenCount;
  const seenBins = spec.trainingCounts.map((c, i) => (i === missingBin || i === unseenBin ? 0 : c));
  const live = liveCounts(seenBins, present, spec.shift, next);
  live[missingBin] = liveMissing;
  if (unseenBin >= 0) live[unseenBin] = unseenCount;
  const bins = { labels: spec.labels, trainingCounts: spec.trainingCounts, liveCounts: live };
  const withoutMissing = (counts: number[]) => counts.slice(0, missingBin);
  const distribution =
    spec.kind === 'numerical'
      ? ks(withoutMissing(bins.trainingCounts), withoutMissing(live))
      : chiSquare(withoutMissing(bins.trainingCounts), withoutMissing(live));
  const trainingMissing = spec.trainingCounts[missingBin];
  const result: FeatureAssessment = {
    feature: spec.feature,
    kind: spec.kind,
    trainingRows: TRAINING_ROWS,
    liveRows: LIVE_ROWS,
    trainingMissingRate: trainingMissing / TRAINING_ROWS,
    liveMissingRate: liveMissing / LIVE_ROWS,
    missing: missingTest(trainingMissing, liveMissing),
    distribution,
    psi: psi(bins),
    bins,
    findings: [],
  };
  if (spec.range) result.range = spec.range;
  if (spec.unseen) result.unseen = spec.unseen;
  result.findings = findingsOf(result);
  return result;
}

function findingsOf(f: FeatureAssessment): string[] {
  const findings: string[] = [];
  const p = f.distribution?.pValue;
  if (p !== null && p !== undefined && p < P_THRESHOLD) {
    findings.push(
      `${f.distribution!.test === 'ks' ? 'KS' : 'chi-square'} p = ${p.toExponential(1)} < ${P_THRESHOLD}`,
    );
  }
  if (f.psi >= PSI_THRESHOLD) findings.push(`PSI ${f.psi.toFixed(3)} >= ${PSI_THRESHOLD}`);
  if (f.range && f.range.above > 0) {
    findings.push(`${f.range.above} live values above the training maximum ${f.range.trainingMax}`);
  }
  return findings;
}

const PREDICTION_LABELS = deciles([106265, 123861, 136021, 147012, 163073, 178706, 199786, 231447, 277115]);
const SHADOW_LABELS = [
  '< 50000',
  ...Array.from({ length: 9 }, (_, i) => `[${(i + 1) * 50000}, ${(i + 2) * 50000})`),
  '>= 500000',
];

/** The fixture: deterministic, so the stored JSON can be compared with a fresh build. */
export function buildAssessmentFixture(): Assessment {
  const next = seededRandom(20250519);
  const features = SPECS.map((spec) => feature(spec, next));
  const leftOut = 12;
  const predicted = LIVE_ROWS - leftOut;
  const predictionTraining = [131, 132, 131, 132, 131, 132, 131, 132, 131, 131];
  const predictionBins = {
    labels: PREDICTION_LABELS,
    trainingCounts: predictionTraining,
    liveCounts: liveCounts(
      predictionTraining,
      predicted,
      [0.8, 0.85, 0.9, 0.92, 0.95, 1, 1.05, 1.1, 1.2, 1.3],
      next,
    ),
  };
  const predictionKs = ks(predictionBins.trainingCounts, predictionBins.liveCounts);
  const predictionPsi = psi(predictionBins);
  const masterCounts = [18, 590, 1475, 1190, 720, 388, 190, 112, 55, 32, 18];
  const candidateCounts = [14, 548, 1431, 1209, 752, 409, 202, 118, 57, 33, 15];
  const shadowKs = ks(masterCounts, candidateCounts);
  const shadow: ShadowAssessment = {
    candidateVersion: '3.1.0',
    masterVersion: '3.0.0',
    pairs: predicted,
    ks: shadowKs,
    relativeDifference: { mean: 0.031, p50: 0.022, p95: 0.087, p99: 0.142, max: 0.381 },
    meanDifference: 2140.5,
    overTenPercent: 168,
    bins: { labels: SHADOW_LABELS, trainingCounts: masterCounts, liveCounts: candidateCounts },
    findings: [],
  };
  const assessment: Assessment = {
    scope: {
      model: 'house-price',
      version: '3.1.0',
      variant: 'candidate',
      from: '2025-05-12T00:00:00Z',
      to: '2025-05-19T00:00:00Z',
    },
    thresholds: { pValue: P_THRESHOLD, psi: PSI_THRESHOLD },
    artifact: {
      name: 'house-price',
      version: '3.1.0',
      sha256: '5afba9bd676cf1bfff1446fa532a34d59537e7122143746ed686e6866cc6e439',
      trainingRows: TRAINING_ROWS,
    },
    rows: LIVE_ROWS,
    features,
    prediction: {
      training: {
        count: TRAINING_ROWS,
        mean: 180712.3,
        quantiles: { p05: 95512.4, p50: 163073.3, p95: 322180.9 },
      },
      live: { count: predicted, mean: 191420.8, quantiles: { p05: 99804.1, p50: 171902.6, p95: 341733.5 } },
      ks: predictionKs,
      psi: predictionPsi,
      bins: predictionBins,
      findings:
        predictionKs.pValue !== null && predictionKs.pValue < P_THRESHOLD
          ? [`KS p = ${predictionKs.pValue.toExponential(1)} < ${P_THRESHOLD}`]
          : [],
    },
    shadow,
    verdict: 'drift',
    generatedAt: '2025-05-19T06:00:04Z',
    seconds: { read: 0.84, compute: 0.12 },
  };
  const anyFinding = [...features.flatMap((f) => f.findings), ...assessment.prediction!.findings].length > 0;
  assessment.verdict = anyFinding ? 'drift' : 'ok';
  return assessment;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--write')) {
  writeFileSync(FIXTURE_PATH, JSON.stringify(buildAssessmentFixture(), null, 2) + '\n');
  console.log(`wrote ${FIXTURE_PATH}`);
}
