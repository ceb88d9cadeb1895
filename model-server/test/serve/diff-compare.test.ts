import test from 'ava';
import { parseDiffArgs } from '../../src/diff/cli.js';
import { comparePredictions, withinTolerance } from '../../src/diff/compare.js';
import { formatReport } from '../../src/diff/report.js';

test('tolerance follows math.isclose: relative to the larger value, or absolute', (t) => {
  t.true(withinTolerance(100_000, 104_999, { relative: 0.05, absolute: 0 }));
  t.false(withinTolerance(100_000, 106_000, { relative: 0.05, absolute: 0 }));
  t.true(withinTolerance(100_000, 106_000, { relative: 0.05, absolute: 6_000 }));
  t.true(withinTolerance(0, 0, { relative: 0, absolute: 0 }));
  t.false(withinTolerance(1, 1.0000001, { relative: 0, absolute: 0 }));
});

test('comparison counts matches, differences, one-sided and two-sided left-outs', (t) => {
  const result = comparePredictions(
    ['r0', 'r1', 'r2', 'r3', 'r4'],
    [100_000, 200_000, null, null, 50_000],
    [100_001, 230_000, null, 70_000, 50_000],
    { relative: 0.01, absolute: 0 },
  );
  t.is(result.compared, 5);
  t.is(result.matching, 3);
  t.is(result.bothLeftOut, 1);
  t.deepEqual(
    result.differences.map((difference) => [difference.label, difference.a, difference.b]),
    [
      ['r1', 200_000, 230_000],
      ['r3', null, 70_000],
    ],
  );
  t.is(result.maxAbsolute, 30_000);
  t.is(result.worst, 'r1');
  t.throws(() => comparePredictions(['a'], [1, 2], [1], { relative: 0, absolute: 0 }), {
    message: /prediction counts differ/,
  });
});

test('the report says what was compared, the largest difference and each difference', (t) => {
  const comparison = comparePredictions(
    ['test.csv#1', 'test.csv#2'],
    [100_000, 200_000],
    [100_000, 230_000],
    {
      relative: 0.05,
      absolute: 0,
    },
  );
  const report = formatReport(
    {
      a: { source: 'http://a', model: 'house-price 1.0.0' },
      b: { source: 'b.json', model: 'house-price 2.0.0' },
    },
    ['test.csv (2 records)'],
    { relative: 0.05, absolute: 0 },
    comparison,
  );
  t.true(report.includes('A: http://a (house-price 1.0.0)'));
  t.true(report.includes('compared 2 records: 1 within tolerance, 1 differ'));
  t.true(report.includes('largest difference: 30,000.00 absolute (test.csv#2)'));
  t.regex(report, /test\.csv#2 {2}A 200,000\.00 {2}B 230,000\.00 {2}diff 30,000\.00 \(13\.043%\)/);
  t.true(report.endsWith('RESULT: predictions differ\n'));
});

test('diff arguments: defaults, repeated payloads, clear errors', (t) => {
  const options = parseDiffArgs([
    '--a',
    'http://x:1',
    '--b=model.json',
    '--payload',
    'p1.json',
    '--payload',
    'test.csv',
  ]);
  t.deepEqual(options, {
    a: 'http://x:1',
    b: 'model.json',
    payloads: ['p1.json', 'test.csv'],
    tolerance: { relative: 0.05, absolute: 0 },
    batchSize: 100,
    maxListed: 20,
  });
  t.throws(() => parseDiffArgs(['--a', 'x', '--payload', 'p']), { message: '--b: required' });
  t.throws(() => parseDiffArgs(['--a', 'x', '--b', 'y']), { message: /--payload: at least one/ });
  t.throws(() => parseDiffArgs(['--a', 'x', '--b', 'y', '--payload', 'p', '--rel-tol', '-1']), {
    message: /--rel-tol: must be a non-negative number/,
  });
  t.throws(() => parseDiffArgs(['--a', 'x', '--b', 'y', '--payload', 'p', '--tol', '1']), {
    message: '--tol: unknown flag',
  });
});
