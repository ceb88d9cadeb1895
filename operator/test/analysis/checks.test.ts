import test from 'ava';
import type { CheckContext } from '../../src/analysis/checks/check.js';
import { renderTemplate } from '../../src/analysis/checks/custom-query.js';
import { errorRate } from '../../src/analysis/checks/error-rate.js';
import { latencyP99 } from '../../src/analysis/checks/latency-p99.js';
import { predictionShift, relativeShift } from '../../src/analysis/checks/prediction-shift.js';
import { checkKindOf, checkNameOf } from '../../src/analysis/checks/registry.js';
import { requestCountQuery } from '../../src/analysis/checks/request-count.js';
import { shadowDivergence } from '../../src/analysis/checks/shadow-divergence.js';
import { judgeBounds } from '../../src/analysis/checks/thresholds.js';
import type { BuiltinCheck } from '../../src/analysis/types.js';

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
const predictions = 'endpoint="/v1/predictions"';

test('request count selects the candidate version of this ModelDeployment over the window', (t) => {
  t.is(requestCountQuery(ctx), `sum(increase(http_request_count_total{${cand},${predictions}}[60s]))`);
  t.is(
    requestCountQuery(ctx, 'master'),
    `sum(increase(http_request_count_total{${mast},${predictions}}[60s]))`,
  );
});

test('errorRate renders a 5xx share that is 0, not empty, without errors', (t) => {
  t.is(
    errorRate.query({ builtin: 'errorRate', max: 0.01 }, ctx, 'candidate'),
    `(sum(increase(http_request_count_total{${cand},${predictions},status=~"5.."}[60s])) or vector(0)) / ` +
      `sum(increase(http_request_count_total{${cand},${predictions}}[60s]))`,
  );
  t.false(errorRate.needsMaster({ max: 0.01 }));
  t.true(errorRate.needsMaster({ maxRatioToMaster: 2 }));
  t.deepEqual(errorRate.evaluate({ max: 0.01 }, 0.01, null), { verdict: 'pass' });
  t.is(errorRate.evaluate({ max: 0.01 }, 0.02, null).verdict, 'fail');
  t.is(errorRate.threshold({ max: 0.01 }), '<= 0.01');
});

test('latencyP99 compares with master and/or an absolute max', (t) => {
  t.is(
    latencyP99.query({}, ctx, 'master'),
    `histogram_quantile(0.99, sum by (le) (rate(http_request_latency_seconds_bucket{${mast},${predictions}}[60s])))`,
  );
  t.true(latencyP99.needsMaster({ max: 1 }));
  const spec = { maxRatioToMaster: 1.25, max: 0.5 };
  t.is(latencyP99.threshold(spec), '<= 1.25 × master, <= 0.5');
  t.is(latencyP99.evaluate(spec, 0.1, 0.08).verdict, 'pass');
  t.is(latencyP99.evaluate(spec, 0.11, 0.08).verdict, 'fail', '0.11 > 1.25 × 0.08');
  t.is(latencyP99.evaluate(spec, 0.6, 0.6).verdict, 'fail', 'over the absolute max');
  t.is(latencyP99.evaluate({ maxRatioToMaster: 1.25 }, 0.1, null).verdict, 'inconclusive');
});

test('predictionShift compares mean predictions by relative difference', (t) => {
  t.is(
    predictionShift.query({}, ctx, 'candidate'),
    `sum(increase(house_price_prediction_dollars_sum{${cand}}[60s])) / sum(increase(house_price_prediction_dollars_count{${cand}}[60s]))`,
  );
  t.is(relativeShift(110, 100), 0.10000000000000009);
  t.is(relativeShift(0, 0), 0);
  t.is(relativeShift(1, 0), Infinity);
  const spec = { builtin: 'predictionShift' as const, max: 0.1 };
  t.is(predictionShift.evaluate(spec, 205_000, 200_000).verdict, 'pass');
  t.is(predictionShift.evaluate(spec, 180_000, 200_000).verdict, 'pass', 'exactly 0.1 is allowed');
  const shifted = predictionShift.evaluate(spec, 230_000, 200_000);
  t.is(shifted.verdict, 'fail');
  t.regex(shifted.reason ?? '', /relative shift 0.15 > max 0.1/);
  t.is(predictionShift.evaluate({}, 1, 1).verdict, 'inconclusive', 'no bound set');
});

test('shadowDivergence takes the quantile of the router pair histogram, shadow only', (t) => {
  const sel = 'namespace="ml",modeldeployment="house-price",master_version="0.3.0",candidate_version="0.4.0"';
  t.is(
    shadowDivergence.query({ quantile: 0.9, max: 0.15 }, ctx, 'candidate'),
    `histogram_quantile(0.9, sum by (le) (rate(router_shadow_relative_difference_bucket{${sel}}[60s])))`,
  );
  t.regex(shadowDivergence.query({ max: 0.15 }, ctx, 'candidate'), /^histogram_quantile\(0\.95,/);
  t.is(
    shadowDivergence.samplesQuery?.({}, ctx),
    `sum(increase(router_shadow_relative_difference_count{${sel}}[60s]))`,
  );
  t.deepEqual(shadowDivergence.modes, ['shadow']);
  t.is(shadowDivergence.threshold({ quantile: 0.95, max: 0.15 }), 'p95 <= 0.15');
  t.is(shadowDivergence.evaluate({ max: 0.15 }, 0.2, null).verdict, 'fail');
  t.is(shadowDivergence.evaluate({ max: 0.15 }, 0.1, null).verdict, 'pass');
});

test('custom queries are templated per variant with escaped values', (t) => {
  const template =
    'sum(rate(x{namespace="{{namespace}}",app="{{ name }}",variant="{{variant}}",v="{{version}}"}[{{interval}}]))';
  t.is(
    renderTemplate(template, ctx, 'master'),
    'sum(rate(x{namespace="ml",app="house-price",variant="master",v="0.3.0"}[60s]))',
  );
  t.is(renderTemplate('{{version}}', { ...ctx, candidateVersion: 'a"b\\c' }, 'candidate'), 'a\\"b\\\\c');
  t.throws(() => renderTemplate('x{a="{{nmae}}"}', ctx, 'candidate'), {
    message: /unknown placeholder \{\{nmae\}\}/,
  });
  const kind = checkKindOf({ name: 'mine', query: 'q' });
  t.false(kind.needsMaster({ query: 'q', max: 1 }));
  t.true(kind.needsMaster({ query: 'q', maxRatioToMaster: 1 }));
});

test('registry maps specs to kinds and names', (t) => {
  for (const b of ['errorRate', 'latencyP99', 'predictionShift', 'shadowDivergence'] as BuiltinCheck[]) {
    t.truthy(checkKindOf({ builtin: b }));
  }
  t.throws(() => checkKindOf({ builtin: 'nope' as BuiltinCheck }), {
    message: /builtin: unknown check "nope"/,
  });
  t.throws(() => checkKindOf({ max: 1 }), { message: /either builtin or query/ });
  t.is(checkNameOf({ builtin: 'errorRate' }, 0), 'errorRate');
  t.is(checkNameOf({ builtin: 'errorRate', name: 'errors' }, 0), 'errors');
});

test('bounds: all must hold; none set is inconclusive', (t) => {
  t.is(judgeBounds({ min: 1, max: 2 }, 1.5, null).verdict, 'pass');
  t.is(judgeBounds({ min: 1, max: 2 }, 0.5, null).verdict, 'fail');
  t.is(judgeBounds({ min: 1, max: 2 }, 2.5, null).verdict, 'fail');
  t.is(judgeBounds({}, 1, null).verdict, 'inconclusive');
  t.is(judgeBounds({ maxRatioToMaster: 2 }, 0, 0).verdict, 'pass', '0 <= 2 × 0');
});
