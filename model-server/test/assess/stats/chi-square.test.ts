import test from 'ava';
import { chiSquareContingency, chiSquareSurvival } from '../../../src/assess/stats/chi-square.js';

test('a row or column summing to zero is a clear error (its expected counts are zero)', (t) => {
  t.throws(
    () =>
      chiSquareContingency([
        [0, 0],
        [3, 4],
      ]),
    { message: /expected count at \(0, 0\) is zero/ },
  );
  t.throws(
    () =>
      chiSquareContingency([
        [1, 0, 2],
        [3, 0, 4],
      ]),
    { message: /expected count at \(0, 1\) is zero/ },
  );
});

test('malformed tables are rejected', (t) => {
  t.throws(() => chiSquareContingency([]), { message: /empty/ });
  t.throws(() => chiSquareContingency([[1, 2], [3]]), { message: /differ in length/ });
  t.throws(
    () =>
      chiSquareContingency([
        [1, -2],
        [3, 4],
      ]),
    { message: /non-negative/ },
  );
  t.throws(
    () =>
      chiSquareContingency([
        [1, Number.NaN],
        [3, 4],
      ]),
    { message: /finite/ },
  );
});

test('a single row has no degrees of freedom: statistic 0, p 1', (t) => {
  t.deepEqual(chiSquareContingency([[10, 20, 30]]), { statistic: 0, pValue: 1, dof: 0 });
});

test("Yates' correction never moves a count past its expectation", (t) => {
  const result = chiSquareContingency([
    [5, 5],
    [5, 5],
  ]);
  t.is(result.statistic, 0);
  t.is(result.pValue, 1);
  t.is(result.dof, 1);
});

test('chiSquareSurvival: 1 at and below 0, 0.05 at the 95% quantile, NaN without degrees of freedom', (t) => {
  t.is(chiSquareSurvival(0, 3), 1);
  t.is(chiSquareSurvival(-1, 3), 1);
  t.true(Math.abs(chiSquareSurvival(3.841458820694124, 1) - 0.05) < 1e-15);
  t.is(chiSquareSurvival(Number.POSITIVE_INFINITY, 2), 0);
  t.true(Number.isNaN(chiSquareSurvival(1, 0)));
});
