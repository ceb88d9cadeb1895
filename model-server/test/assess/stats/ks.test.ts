import test from 'ava';
import {
  ksTwoSample,
  weightedSample,
  weightedSampleFromCounts,
  type WeightedSample,
} from '../../../src/assess/stats/ks.js';
import { seededRandom } from '../seeded-random.js';

/** Normal draws (Box–Muller) rounded to a grid, so that samples have ties. */
function normalSample(size: number, mean: number, grid: number, seed: number): Float64Array {
  const uniform = seededRandom(seed);
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const z = Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
    out[i] = Math.round((mean + z) / grid) * grid;
  }
  return out;
}

/** Best and median of a few timed runs, in milliseconds. */
function time(runs: number, run: () => void): { best: number; median: number } {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((x, y) => x - y);
  return { best: times[0], median: times[Math.floor(times.length / 2)] };
}

test('weightedSample sorts, counts ties and ignores NaN', (t) => {
  const sample = weightedSample([3, Number.NaN, 1, 3, -0, 0, 2, 3]);
  t.deepEqual([...sample.values], [0, 1, 2, 3]);
  t.deepEqual([...sample.counts], [2, 1, 1, 3]);
  t.is(sample.n, 7);
});

test('weightedSampleFromCounts sorts values, drops zero counts and NaN, rejects bad counts', (t) => {
  const sample = weightedSampleFromCounts(
    new Map([
      [2.5, 4],
      [-1, 2],
      [7, 0],
      [Number.NaN, 5],
    ]),
  );
  t.deepEqual([...sample.values], [-1, 2.5]);
  t.deepEqual([...sample.counts], [2, 4]);
  t.is(sample.n, 6);
  t.throws(() => weightedSampleFromCounts(new Map([[1, -1]])), { message: /non-negative integers/ });
  t.throws(() => weightedSampleFromCounts(new Map([[1, 0.5]])), { message: /non-negative integers/ });
});

test('an empty sample is a clear error, also when every value is NaN', (t) => {
  const some = weightedSample([1, 2, 3]);
  t.throws(() => ksTwoSample(weightedSample([]), some), { message: /non-empty samples \(sizes 0 and 3\)/ });
  t.throws(() => ksTwoSample(some, weightedSample([Number.NaN])), { message: /non-empty samples/ });
});

test('all-equal samples: D = 0 and p = 1, exact and asymptotic', (t) => {
  t.deepEqual(ksTwoSample(weightedSample([5, 5, 5]), weightedSample([5, 5])), {
    statistic: 0,
    pValue: 1,
    method: 'exact',
  });
  const many = weightedSampleFromCounts(new Map([[5, 20000]]));
  t.deepEqual(ksTwoSample(many, weightedSample([5])), { statistic: 0, pValue: 1, method: 'asymp' });
});

test('disjoint samples: D = 1', (t) => {
  const result = ksTwoSample(weightedSample([1, 2, 3, 4]), weightedSample([10, 11, 12, 13]));
  t.is(result.statistic, 1);
  t.is(result.method, 'exact');
  t.true(result.pValue < 0.05);
});

test('the test is symmetric in its two samples', (t) => {
  const a = weightedSample(normalSample(300, 0, 0.1, 1));
  const b = weightedSample(normalSample(450, 0.2, 0.1, 2));
  const forward = ksTwoSample(a, b);
  const backward = ksTwoSample(b, a);
  t.is(forward.statistic, backward.statistic);
  t.true(Math.abs(forward.pValue - backward.pValue) <= 1e-12 * forward.pValue);
});

// Budgets: 200 ms for either case. The assertions allow 10× for a loaded shared machine: they exist to
// catch an algorithmic regression (a quadratic pass over 1M rows takes minutes). Figures are logged.
const REGRESSION_BOUND_MS = 2000;
test('timing: 1,000,000 live rows (~30k distinct) vs 1,500 training values; exact 1,500 vs 10,000', (t) => {
  const liveRows = normalSample(1_000_000, 0.05, 0.0002, 3);
  const counts = new Map<number, number>();
  let build = time(3, () => {
    counts.clear();
    for (const value of liveRows) counts.set(value, (counts.get(value) ?? 0) + 1);
  });
  t.log(`Map of counts from 1M rows: best ${build.best.toFixed(1)} ms, median ${build.median.toFixed(1)} ms`);
  let live: WeightedSample = weightedSampleFromCounts(counts);
  build = time(3, () => {
    live = weightedSampleFromCounts(counts);
  });
  t.log(`weightedSampleFromCounts (${live.values.length} distinct): best ${build.best.toFixed(1)} ms`);
  build = time(3, () => {
    live = weightedSample(liveRows);
  });
  t.log(
    `weightedSample of 1M raw values: best ${build.best.toFixed(1)} ms, median ${build.median.toFixed(1)} ms`,
  );
  t.true(live.values.length > 25_000 && live.values.length < 40_000, `${live.values.length} distinct values`);

  const training = weightedSample(normalSample(1500, 0, 0.01, 4));
  let result = ksTwoSample(live, training);
  const asymp = time(5, () => {
    result = ksTwoSample(live, training);
  });
  t.is(result.method, 'asymp');
  t.log(
    `ksTwoSample 1M vs 1500 (D ${result.statistic.toFixed(4)}, p ${result.pValue.toExponential(3)}):` +
      ` best ${asymp.best.toFixed(1)} ms, median ${asymp.median.toFixed(1)} ms`,
  );
  t.true(asymp.best < REGRESSION_BOUND_MS);

  const small = weightedSample(normalSample(1500, 0, 0.01, 5));
  for (const shift of [0.05, 0.5, 10]) {
    const large = weightedSample(normalSample(10000, shift, 0.01, 6));
    const exact = time(3, () => {
      result = ksTwoSample(small, large);
    });
    t.is(result.method, 'exact');
    t.log(
      `ksTwoSample exact 1500 vs 10000 (D ${result.statistic.toFixed(4)}, p ${result.pValue.toExponential(3)}):` +
        ` best ${exact.best.toFixed(1)} ms, median ${exact.median.toFixed(1)} ms`,
    );
    t.true(exact.best < REGRESSION_BOUND_MS);
  }
});
