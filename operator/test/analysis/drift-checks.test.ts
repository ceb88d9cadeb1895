import test from 'ava';
import type { CheckContext } from '../../src/analysis/checks/check.js';
import { inputDrift, psiByFeatureQuery, PSI_SHARE_FLOOR } from '../../src/analysis/checks/input-drift.js';
import { predictionCdfQuery, predictionDrift } from '../../src/analysis/checks/prediction-drift.js';
import { checkKindOf } from '../../src/analysis/checks/registry.js';
import { requestCountQuery } from '../../src/analysis/checks/request-count.js';
import { judgeCheck, type CheckMeasurement } from '../../src/analysis/judge.js';
import { NoDataError } from '../../src/analysis/metrics-provider.js';

const ctx: CheckContext = {
  namespace: 'ml',
  name: 'house-price',
  masterVersion: '0.3.0',
  candidateVersion: '0.4.0',
  intervalSeconds: 60,
  mode: 'canary',
};
const cand = 'namespace="ml",modeldeployment="house-price",variant="candidate",model_version="0.4.0"';
const mast = 'namespace="ml",modeldeployment="house-price",variant="master",model_version="0.3.0"';

test('inputDrift: PSI per feature from live bin shares and training shares, both floored; the worst feature wins', (t) => {
  const live = `sum by (feature, bin) (increase(house_price_input_records_total{${cand}}[60s]))`;
  const records = `sum by (feature) (increase(house_price_input_records_total{${cand}}[60s]))`;
  const actual = `clamp_min(${live} / on (feature) group_left ${records}, 0.0001)`;
  const expected = `clamp_min(max by (feature, bin) (house_price_training_bin_ratio{${cand}}), 0.0001)`;
  const psi = `sum by (feature) ((${actual} - ${expected}) * ln(${actual} / ${expected}))`;
  t.is(psiByFeatureQuery(ctx, 'candidate'), psi);
  t.is(inputDrift.query({ builtin: 'inputDrift', max: 0.2 }, ctx, 'candidate'), `topk(1, ${psi})`);
  t.is(PSI_SHARE_FLOOR, 1e-4);
  t.regex(psiByFeatureQuery(ctx, 'master'), /variant="master",model_version="0\.3\.0"/);
  t.false(inputDrift.needsMaster({ max: 0.2 }), 'an old master without a profile must not block');
  t.is(inputDrift.samplesQuery, undefined, 'samples: the candidate requests, like the other checks');
  t.deepEqual(inputDrift.modes, ['shadow', 'canary']);
});

test('inputDrift: judged against max, the reason names the worst feature', (t) => {
  const spec = { builtin: 'inputDrift' as const, max: 0.2 };
  t.is(inputDrift.threshold(spec), 'PSI <= 0.2');
  t.deepEqual(inputDrift.evaluate(spec, 0.05, null, { feature: 'GrLivArea' }), {
    verdict: 'pass',
    reason: 'worst feature GrLivArea',
  });
  t.deepEqual(
    inputDrift.evaluate(spec, 0.2, null, { feature: 'GrLivArea' }).verdict,
    'pass',
    'max is allowed',
  );
  t.deepEqual(inputDrift.evaluate(spec, 1.73456, null, { feature: 'LotArea' }), {
    verdict: 'fail',
    reason: '1.735 > max 0.2 (worst feature LotArea)',
  });
  t.deepEqual(inputDrift.evaluate(spec, 0.05, null), { verdict: 'pass' }, 'no labels: no feature named');
  t.is(inputDrift.evaluate({ builtin: 'inputDrift' }, 0.05, null).verdict, 'inconclusive', 'no bound');
});

test("predictionDrift: KS between the two variants' bucket CDFs; samples are the thinner side's predictions", (t) => {
  const cdf = (sel: string) =>
    `(sum by (le) (increase(house_price_prediction_dollars_bucket{${sel}}[60s])) / on () group_left ` +
    `sum(increase(house_price_prediction_dollars_count{${sel}}[60s])))`;
  t.is(predictionCdfQuery(ctx, 'candidate'), cdf(cand));
  const spec = { builtin: 'predictionDrift' as const, max: 0.2 };
  t.is(predictionDrift.query(spec, ctx, 'candidate'), `topk(1, abs(${cdf(cand)} - ${cdf(mast)}))`);
  t.false(predictionDrift.needsMaster(spec), 'one query holds both sides');
  const count = (sel: string) => `sum(increase(house_price_prediction_dollars_count{${sel}}[60s]))`;
  t.is(predictionDrift.samplesQuery!(spec, ctx), `(${count(cand)} < ${count(mast)}) or ${count(mast)}`);
  t.deepEqual(predictionDrift.modes, ['shadow', 'canary']);
});

test('predictionDrift: judged against max, the reason names the bucket bound of the largest gap', (t) => {
  const spec = { builtin: 'predictionDrift' as const, max: 0.2 };
  t.is(predictionDrift.threshold(spec), 'KS <= 0.2');
  t.deepEqual(predictionDrift.evaluate(spec, 0.31, null, { le: '200000' }), {
    verdict: 'fail',
    reason: '0.31 > max 0.2 (largest gap at le=200000)',
  });
  t.is(predictionDrift.evaluate(spec, 0.1, null, { le: '200000' }).verdict, 'pass');
  t.is(predictionDrift.threshold({ max: 0.2, min: 0.01 }), 'KS <= 0.2, KS >= 0.01');
});

test('both are registered builtins', (t) => {
  t.is(checkKindOf({ builtin: 'inputDrift', max: 0.2 }), inputDrift);
  t.is(checkKindOf({ builtin: 'predictionDrift', max: 0.2 }), predictionDrift);
});

const measured: CheckMeasurement = {
  name: 'inputDrift',
  spec: { builtin: 'inputDrift', max: 0.2 },
  kind: inputDrift,
  candidate: { value: 3.2, labels: { feature: 'LotArea' } },
  samples: { value: 500 },
  minSampleCount: 200,
};

test('the judge hands the series labels to the check: a failure names the feature', (t) => {
  t.deepEqual(judgeCheck(measured), {
    name: 'inputDrift',
    candidate: 3.2,
    master: null,
    threshold: 'PSI <= 0.2',
    samples: 500,
    verdict: 'fail',
    reason: '3.2 > max 0.2 (worst feature LotArea)',
  });
});

test('thin data or no data is inconclusive, never pass, even with a huge drift', (t) => {
  const thin = judgeCheck({ ...measured, samples: { value: 12 } });
  t.is(thin.verdict, 'inconclusive');
  t.is(thin.reason, 'thin data: 12 candidate samples < minSampleCount 200');
  const calm = judgeCheck({ ...measured, candidate: { value: 0.01 }, samples: { value: 12 } });
  t.is(calm.verdict, 'inconclusive', 'a calm value on thin data does not pass either');
  const none = judgeCheck({
    ...measured,
    kind: predictionDrift,
    spec: { builtin: 'predictionDrift', max: 0.2 },
    candidate: { error: new NoDataError('query returned NaN (no samples in the window)', 'q') },
  });
  t.is(none.verdict, 'inconclusive');
  t.is(none.reason, 'no data for candidate');
  // The default sample count is the candidate's prediction requests, as for every other check.
  t.regex(requestCountQuery(ctx), /http_request_count_total\{.*variant="candidate"/);
});
