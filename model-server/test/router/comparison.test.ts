import test from 'ava';
import { comparePredictions, readPredictions, relativeDifference } from '../../src/router/comparison.js';

test('relative difference is |c-m|/|m|, 0 for two zeros, undefined when only master is 0', (t) => {
  t.is(relativeDifference(200, 210), 0.05);
  t.is(relativeDifference(-100, -150), 0.5);
  t.is(relativeDifference(0, 0), 0);
  t.is(relativeDifference(0, 1), undefined);
});

test('records are compared one by one; nulls on both sides are skipped, on one side mismatch', (t) => {
  const result = comparePredictions([100, 200, null, null, 0, 300], [100, 260, null, 5, 7, 303], 0.05);
  if (result instanceof Error) return t.fail(result.message);
  t.is(result.compared, 5);
  t.deepEqual(result.relativeDifferences, [0, 0.3, 0.01]);
  // 260 vs 200 (30%), one-sided null, master 0 with candidate 7.
  t.is(result.mismatched, 3);
});

test('arrays of different lengths cannot be paired', (t) => {
  const result = comparePredictions([1, 2], [1], 0.05);
  t.true(result instanceof Error);
  t.regex((result as Error).message, /1 predictions for 2 records/);
});

test('predictions are read from a model-server answer; anything else is an error', (t) => {
  t.deepEqual(readPredictions('{"predictions":[1.5,null],"version":"1","errors":[]}'), [1.5, null]);
  t.regex((readPredictions('nope') as Error).message, /not JSON/);
  t.regex((readPredictions('{"error":"x"}') as Error).message, /no predictions array/);
  t.regex((readPredictions('{"predictions":[1,"2"]}') as Error).message, /predictions\[1\]/);
  t.regex((readPredictions('null') as Error).message, /no predictions array/);
});
