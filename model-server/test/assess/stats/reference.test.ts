import test, { type ExecutionContext } from 'ava';
import { readFileSync } from 'node:fs';
import { chiSquareContingency, chiSquareSurvival } from '../../../src/assess/stats/chi-square.js';
import { fisherExact } from '../../../src/assess/stats/fisher.js';
import { regularizedGammaQ } from '../../../src/assess/stats/incomplete-gamma.js';
import { kolmogorovTwoSidedSurvivalWithBranch } from '../../../src/assess/stats/kolmogorov-two-sided.js';
import { logGamma } from '../../../src/assess/stats/log-gamma.js';
import {
  ksTwoSample,
  weightedSample,
  weightedSampleFromCounts,
  type WeightedSample,
} from '../../../src/assess/stats/ks.js';
import { populationStabilityIndex } from '../../../src/assess/stats/psi.js';
import { smirnovSurvival } from '../../../src/assess/stats/smirnov.js';

// Values computed by SciPy: see scripts/reference/drift-stats.py (which also says how to rerun it).
const FIXTURE = new URL('../../../../test/fixtures/drift-stats/reference.json', import.meta.url);

/**
 * Statistics must match to 1e-6 absolute, probabilities to 1e-6 relative (0 exactly). Below the
 * smallest normal double SciPy's own results have lost bits (its terms are rounded to subnormals),
 * so there the tolerance is 1e-6 of the smallest normal double.
 */
const STATISTIC_TOLERANCE = 1e-6;
const PROBABILITY_TOLERANCE = 1e-6;
const SMALLEST_NORMAL = 2.2250738585072014e-308;

type Encoded = number | 'NaN' | 'Infinity' | '-Infinity';

interface CompactSample {
  values: number[];
  counts: number[];
}

interface Fixture {
  versions: Record<string, string>;
  ks: {
    name: string;
    a: CompactSample;
    b: CompactSample;
    statistic: number;
    pValue: number;
    method: 'exact' | 'asymp';
    kolmognBranch: string | null;
  }[];
  kstwo: { n: number; x: number; sf: number; branch: string }[];
  smirnov: { n: number; x: number; sf: number }[];
  chi2Sf: { x: number; dof: number; sf: number }[];
  logGamma: { x: number; value: number }[];
  gammaQ: { a: number; x: number; q: number }[];
  chi2Contingency: { table: number[][]; statistic: number; pValue: number; dof: number }[];
  fisher: { table: [[number, number], [number, number]]; oddsRatio: Encoded; pValue: number }[];
  psi: { expected: number[]; actual: number[]; epsilon?: number; psi: number }[];
}

const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Fixture;

function decode(value: Encoded): number {
  return typeof value === 'number' ? value : Number(value);
}

/** Tracks the worst differences from SciPy and names every case out of tolerance. */
class Agreement {
  worstAbsolute = 0;
  worstAbsoluteCase = '';
  worstRelative = 0;
  worstRelativeCase = '';
  readonly failures: string[] = [];

  /** Statistics: absolute difference. */
  absolute(label: string, actual: number, expected: number): void {
    if (Number.isNaN(expected) && Number.isNaN(actual)) return;
    const difference = actual === expected ? 0 : Math.abs(actual - expected);
    if (!(difference <= this.worstAbsolute)) {
      this.worstAbsolute = difference;
      this.worstAbsoluteCase = label;
    }
    if (!(difference <= STATISTIC_TOLERANCE)) this.failures.push(`${label}: ${actual} vs ${expected}`);
  }

  /** Probabilities: relative difference; an expected 0 must be 0. */
  relative(label: string, actual: number, expected: number): void {
    if (Number.isNaN(expected) && Number.isNaN(actual)) return;
    const scale = Math.max(Math.abs(expected), expected === 0 ? 0 : SMALLEST_NORMAL);
    const difference = actual === expected ? 0 : Math.abs(actual - expected) / scale;
    if (!(difference <= this.worstRelative)) {
      this.worstRelative = difference;
      this.worstRelativeCase = label;
    }
    if (!(difference <= PROBABILITY_TOLERANCE)) this.failures.push(`${label}: ${actual} vs ${expected}`);
  }

  report(t: ExecutionContext, cases: number): void {
    t.log(
      `${cases} cases; worst absolute ${this.worstAbsolute.toExponential(2)} (${this.worstAbsoluteCase || '-'}),` +
        ` worst relative ${this.worstRelative.toExponential(2)} (${this.worstRelativeCase || '-'})`,
    );
    t.deepEqual(this.failures, []);
  }
}

function sampleFromFixture(sample: CompactSample, expand: boolean): WeightedSample {
  if (!expand)
    return weightedSampleFromCounts(new Map(sample.values.map((value, i) => [value, sample.counts[i]])));
  const raw: number[] = [];
  sample.values.forEach((value, i) => {
    for (let k = 0; k < sample.counts[i]; k++) raw.push(value);
  });
  return weightedSample(raw);
}

test('fixture records the SciPy and NumPy versions', (t) => {
  t.log(`reference: ${JSON.stringify(fixture.versions)}`);
  t.truthy(fixture.versions.scipy);
  t.truthy(fixture.versions.numpy);
});

test('ksTwoSample equals scipy.stats.ks_2samp', (t) => {
  const agreement = new Agreement();
  const methods = new Map<string, number>();
  for (const [index, c] of fixture.ks.entries()) {
    // Alternate the two constructors so both are checked against SciPy.
    const expand = index % 2 === 0 && c.a.counts.length + c.b.counts.length < 50_000;
    const result = ksTwoSample(sampleFromFixture(c.a, expand), sampleFromFixture(c.b, expand));
    agreement.absolute(`${c.name} statistic`, result.statistic, c.statistic);
    agreement.relative(`${c.name} p`, result.pValue, c.pValue);
    if (result.method !== c.method)
      agreement.failures.push(`${c.name}: method ${result.method} vs ${c.method}`);
    const key = c.method === 'exact' ? 'exact' : `asymp/${c.kolmognBranch}`;
    methods.set(key, (methods.get(key) ?? 0) + 1);
  }
  t.log(`methods: ${JSON.stringify(Object.fromEntries(methods))}`);
  for (const branch of ['exact', 'asymp/durbin', 'asymp/pelz-good', 'asymp/smirnov', 'asymp/pomeranz']) {
    t.true(methods.has(branch), `no case reaches ${branch}`);
  }
  agreement.report(t, fixture.ks.length);
});

test('kolmogorovTwoSidedSurvival equals scipy.stats.kstwo.sf, branch by branch', (t) => {
  const agreement = new Agreement();
  for (const c of fixture.kstwo) {
    const { survival, branch } = kolmogorovTwoSidedSurvivalWithBranch(c.n, c.x);
    agreement.relative(`kstwo.sf(${c.x}, ${c.n}) [${c.branch}]`, survival, c.sf);
    if (branch !== c.branch)
      agreement.failures.push(`kstwo(${c.x}, ${c.n}): branch ${branch} vs ${c.branch}`);
  }
  agreement.report(t, fixture.kstwo.length);
});

test('smirnovSurvival equals scipy.special.smirnov', (t) => {
  const agreement = new Agreement();
  for (const c of fixture.smirnov)
    agreement.relative(`smirnov(${c.n}, ${c.x})`, smirnovSurvival(c.n, c.x), c.sf);
  agreement.report(t, fixture.smirnov.length);
});

test('chiSquareSurvival equals scipy.stats.chi2.sf', (t) => {
  const agreement = new Agreement();
  for (const c of fixture.chi2Sf)
    agreement.relative(`chi2.sf(${c.x}, ${c.dof})`, chiSquareSurvival(c.x, c.dof), c.sf);
  agreement.report(t, fixture.chi2Sf.length);
});

test('logGamma equals scipy.special.gammaln (to 1e-6 relative, or absolute near its zeros)', (t) => {
  const agreement = new Agreement();
  for (const c of fixture.logGamma) {
    const actual = logGamma(c.x);
    if (Math.abs(c.value) < 1) agreement.absolute(`gammaln(${c.x})`, actual, c.value);
    else agreement.relative(`gammaln(${c.x})`, actual, c.value);
  }
  agreement.report(t, fixture.logGamma.length);
});

test('regularizedGammaQ equals scipy.special.gammaincc', (t) => {
  const agreement = new Agreement();
  for (const c of fixture.gammaQ)
    agreement.relative(`gammaincc(${c.a}, ${c.x})`, regularizedGammaQ(c.a, c.x), c.q);
  agreement.report(t, fixture.gammaQ.length);
});

test('chiSquareContingency equals scipy.stats.chi2_contingency', (t) => {
  const agreement = new Agreement();
  for (const c of fixture.chi2Contingency) {
    const label = JSON.stringify(c.table);
    const result = chiSquareContingency(c.table);
    agreement.absolute(`${label} statistic`, result.statistic, c.statistic);
    agreement.relative(`${label} p`, result.pValue, c.pValue);
    if (result.dof !== c.dof) agreement.failures.push(`${label}: dof ${result.dof} vs ${c.dof}`);
  }
  agreement.report(t, fixture.chi2Contingency.length);
});

test('fisherExact equals scipy.stats.fisher_exact', (t) => {
  const agreement = new Agreement();
  for (const c of fixture.fisher) {
    const label = JSON.stringify(c.table);
    const result = fisherExact(c.table);
    const oddsRatio = decode(c.oddsRatio);
    if (Number.isFinite(oddsRatio)) agreement.absolute(`${label} odds ratio`, result.oddsRatio, oddsRatio);
    else if (!Object.is(result.oddsRatio, oddsRatio))
      agreement.failures.push(`${label}: odds ratio ${result.oddsRatio}`);
    agreement.relative(`${label} p`, result.pValue, c.pValue);
  }
  agreement.report(t, fixture.fisher.length);
});

test('populationStabilityIndex equals the NumPy formula', (t) => {
  const agreement = new Agreement();
  for (const c of fixture.psi) {
    const label = `${JSON.stringify(c.expected)} → ${JSON.stringify(c.actual)}`;
    agreement.absolute(label, populationStabilityIndex(c.expected, c.actual, c.epsilon), c.psi);
  }
  agreement.report(t, fixture.psi.length);
});
