import test from 'ava';
import { populationStabilityIndex } from '../../../src/assess/stats/psi.js';

test('identical distributions have index 0, whatever the totals', (t) => {
  t.is(populationStabilityIndex([10, 20, 30], [100, 200, 300]), 0);
});

test('an empty bin counts as a share of epsilon', (t) => {
  // expected shares 0.5, 0.5, 0 (floored to 1e-4); actual shares 0.25, 0.25, 0.5.
  const expected = (0.25 - 0.5) * Math.log(0.25 / 0.5) * 2 + (0.5 - 1e-4) * Math.log(0.5 / 1e-4);
  t.true(Math.abs(populationStabilityIndex([5, 5, 0], [1, 1, 2]) - expected) < 1e-12);
  const wider = (0.25 - 0.5) * Math.log(0.25 / 0.5) * 2 + (0.5 - 0.01) * Math.log(0.5 / 0.01);
  t.true(Math.abs(populationStabilityIndex([5, 5, 0], [1, 1, 2], 0.01) - wider) < 1e-12);
});

test('bins empty on both sides contribute nothing', (t) => {
  t.is(populationStabilityIndex([1, 0, 1], [2, 0, 2]), 0);
});

test('mismatched, empty or invalid inputs are clear errors', (t) => {
  t.throws(() => populationStabilityIndex([1, 2], [1, 2, 3]), {
    message: /bin counts differ: 2 expected vs 3 actual/,
  });
  t.throws(() => populationStabilityIndex([], []), { message: /at least one bin/ });
  t.throws(() => populationStabilityIndex([0, 0], [1, 2]), { message: /expected counts are all zero/ });
  t.throws(() => populationStabilityIndex([1, -1], [1, 2]), { message: /non-negative/ });
  t.throws(() => populationStabilityIndex([1, 1], [1, 2], 0), { message: /epsilon must be positive/ });
});
