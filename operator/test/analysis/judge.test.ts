import test from 'ava';
import { errorRate } from '../../src/analysis/checks/error-rate.js';
import { latencyP99 } from '../../src/analysis/checks/latency-p99.js';
import { combineVerdicts, judgeCheck, type CheckMeasurement } from '../../src/analysis/judge.js';
import {
  NoDataError,
  ProviderUnreachableError,
  QueryError,
  TooManySeriesError,
} from '../../src/analysis/metrics-provider.js';

const base: CheckMeasurement = {
  name: 'errorRate',
  spec: { builtin: 'errorRate', max: 0.01 },
  kind: errorRate,
  candidate: { value: 0.001 },
  samples: { value: 250.4 },
  minSampleCount: 200,
};

test('enough samples and a value within bounds pass', (t) => {
  t.deepEqual(judgeCheck(base), {
    name: 'errorRate',
    candidate: 0.001,
    master: null,
    threshold: '<= 0.01',
    samples: 250,
    verdict: 'pass',
  });
});

test('a value out of bounds fails', (t) => {
  const r = judgeCheck({ ...base, candidate: { value: 0.5 } });
  t.is(r.verdict, 'fail');
  t.regex(r.reason ?? '', /0.5 > max 0.01/);
});

test('thin data is inconclusive even when the value would fail', (t) => {
  const r = judgeCheck({ ...base, candidate: { value: 0.5 }, samples: { value: 12 } });
  t.is(r.verdict, 'inconclusive');
  t.is(r.candidate, 0.5, 'the measured value is still shown');
  t.is(r.reason, 'thin data: 12 candidate samples < minSampleCount 200');
});

test('no sample series counts as zero samples', (t) => {
  const r = judgeCheck({ ...base, samples: { error: new NoDataError('none', 'q') } });
  t.is(r.samples, 0);
  t.is(r.verdict, 'inconclusive');
  t.regex(r.reason ?? '', /thin data: 0/);
  t.is(
    judgeCheck({ ...base, samples: { error: new NoDataError('none', 'q') }, minSampleCount: 0 }).verdict,
    'pass',
  );
});

test('provider errors are inconclusive with a reason naming them', (t) => {
  const unreachable = judgeCheck({
    ...base,
    samples: { error: new ProviderUnreachableError('ECONNREFUSED', 'q') },
  });
  t.is(unreachable.verdict, 'inconclusive');
  t.regex(unreachable.reason ?? '', /metrics provider unreachable: ECONNREFUSED/);
  const noData = judgeCheck({ ...base, candidate: { error: new NoDataError('none', 'q') } });
  t.is(noData.reason, 'no data for candidate');
  const many = judgeCheck({ ...base, candidate: { error: new TooManySeriesError('q', 3) } });
  t.is(many.reason, 'candidate query returned 3 series, expected 1');
  const bad = judgeCheck({ ...base, candidate: { error: new QueryError('parse error', 'q') } });
  t.is(bad.reason, 'candidate query failed: parse error');
});

test('relative checks need the master value', (t) => {
  const m: CheckMeasurement = {
    ...base,
    name: 'latencyP99',
    spec: { builtin: 'latencyP99', maxRatioToMaster: 1.5 },
    kind: latencyP99,
    candidate: { value: 0.2 },
    master: { value: 0.1 },
  };
  const failed = judgeCheck(m);
  t.is(failed.verdict, 'fail');
  t.is(failed.master, 0.1);
  t.is(judgeCheck({ ...m, candidate: { value: 0.15 } }).verdict, 'pass');
  const missing = judgeCheck({ ...m, master: { error: new NoDataError('none', 'q') } });
  t.is(missing.verdict, 'inconclusive');
  t.is(missing.reason, 'no data for master');
});

test('verdicts combine: fail beats inconclusive beats pass; nothing is inconclusive', (t) => {
  t.is(combineVerdicts(['pass', 'inconclusive', 'fail']), 'fail');
  t.is(combineVerdicts(['pass', 'inconclusive']), 'inconclusive');
  t.is(combineVerdicts(['pass', 'pass']), 'pass');
  t.is(combineVerdicts([]), 'inconclusive');
});
