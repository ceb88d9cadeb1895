import test from 'ava';
import { fisherExact } from '../../../src/assess/stats/fisher.js';

test('an empty row or column: odds ratio NaN and p 1, as scipy', (t) => {
  const result = fisherExact([
    [0, 0],
    [3, 4],
  ]);
  t.true(Number.isNaN(result.oddsRatio));
  t.is(result.pValue, 1);
});

test('a zero off-diagonal count makes the odds ratio infinite', (t) => {
  const result = fisherExact([
    [4, 0],
    [9, 15],
  ]);
  t.is(result.oddsRatio, Number.POSITIVE_INFINITY);
  t.true(result.pValue < 0.05);
});

test('a table at the mode has p 1; a symmetric table counts its mirror image', (t) => {
  t.is(
    fisherExact([
      [5, 5],
      [5, 5],
    ]).pValue,
    1,
  );
  // [[3,1],[1,3]] and [[1,3],[3,1]] are equally likely: p = 2 · (1 + 16) / 70.
  const result = fisherExact([
    [3, 1],
    [1, 3],
  ]);
  t.true(Math.abs(result.pValue - 34 / 70) < 1e-15);
  t.is(result.oddsRatio, 9);
});

test('counts must be non-negative integers', (t) => {
  t.throws(
    () =>
      fisherExact([
        [1.5, 2],
        [3, 4],
      ]),
    { message: /non-negative integer/ },
  );
  t.throws(
    () =>
      fisherExact([
        [1, 2],
        [-3, 4],
      ]),
    { message: /non-negative integer/ },
  );
});
