import test from 'ava';
import type { GbmEstimator } from '../../src/model/artifact.js';
import { GbmPredictor } from '../../src/model/gbm-predictor.js';
import { fitGradientBoosting, type BoostingSettings } from '../../src/train/gradient-boosting.js';
import { RandomState } from '../../src/train/numpy-random.js';
import { columnMatrix, fitRegressionTree } from '../../src/train/regression-tree.js';
import { trainTestSplit } from '../../src/train/split.js';
import { weightedPercentile, percentileLinear } from '../../src/train/stats.js';
import { sklearnReference } from './helpers.js';

const settings: BoostingSettings = {
  loss: 'ls',
  nEstimators: 20,
  learningRate: 0.1,
  maxDepth: 3,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
  subsample: 1,
  huberAlpha: 0.9,
  criterion: 'friedman_mse',
};

test('RandomState reproduces NumPy (seed 42: random_sample, then 32 random bits)', (t) => {
  const random = new RandomState(42);
  t.is(random.randomSample(), 0.3745401188473625);
  t.is(random.randomSample(), 0.9507143064099162);
  t.is(random.nextUint32(), 3143890026);
});

test("train/test split is scikit-learn's for test_size 0.1 and seed 0", (t) => {
  const split = trainTestSplit(1460, 0.1, 0);
  t.is(split.test.length, sklearnReference.split.testRows);
  t.is(split.train.length, sklearnReference.split.trainRows);
  t.deepEqual(Array.from(split.test.slice(0, 10)), sklearnReference.split.testIndexFirst10);
  t.deepEqual(Array.from(split.train.slice(0, 10)), sklearnReference.split.trainIndexFirst10);
  t.is(new Set([...split.train, ...split.test]).size, 1460);
});

test('percentiles follow NumPy (linear) and scikit-learn (inverted CDF)', (t) => {
  t.is(percentileLinear([4, 1, 3, 2], 50), 2.5);
  t.is(weightedPercentile([4, 1, 3, 2], null, 50), 2);
  t.is(weightedPercentile([1, 2, 3, 4, 5], null, 50), 3);
  t.is(weightedPercentile([1, 2, 3], [0, 0, 1], 50), 3);
});

test('a tree splits halfway between distinct values and respects min_samples_leaf', (t) => {
  const x = new Float64Array([1, 2, 3, 10, 11, 12]);
  const y = new Float64Array([0, 0, 0, 5, 5, 6]);
  const all = Int32Array.from({ length: 6 }, (_, i) => i);
  const stump = fitRegressionTree(columnMatrix([x]), y, all, { ...settings, maxDepth: 1 }, 1);
  t.deepEqual(stump.threshold, [6.5, -2, -2]);
  t.deepEqual(stump.value, [16 / 6, 0, 16 / 3]);
  const deeper = fitRegressionTree(columnMatrix([x]), y, all, { ...settings, maxDepth: 2 }, 1);
  t.deepEqual(deeper.threshold, [6.5, -2, 11.5, -2, -2]);
  // with 2 samples per leaf at least, the lone 6 cannot be split off on its own
  const wide = fitRegressionTree(
    columnMatrix([x]),
    y,
    all,
    { ...settings, maxDepth: 2, minSamplesLeaf: 2 },
    1,
  );
  t.deepEqual(wide.threshold, [6.5, -2, -2]);
});

test('a constant target or constant features give a single leaf', (t) => {
  const all = Int32Array.from({ length: 4 }, (_, i) => i);
  const flat = fitRegressionTree(
    columnMatrix([new Float64Array([1, 2, 3, 4])]),
    new Float64Array(4).fill(7),
    all,
    settings,
    1,
  );
  t.deepEqual(flat.value, [7]);
  const noFeature = fitRegressionTree(
    columnMatrix([new Float64Array(4).fill(1)]),
    new Float64Array([1, 2, 3, 4]),
    all,
    settings,
    1,
  );
  t.deepEqual(noFeature.left, [-1]);
});

function synthetic(n: number, seed: number) {
  const random = new RandomState(seed);
  const columns = [0, 1, 2].map(() =>
    Float64Array.from({ length: n }, () => Math.round(random.randomSample() * 100)),
  );
  const y = Float64Array.from(
    { length: n },
    (_, i) => 3 * columns[0][i] + (columns[1][i] > 50 ? 40 : 0) + random.randomSample() * 10,
  );
  return { columns, y };
}

test('boosting is deterministic for a seed, also with subsampling', (t) => {
  const { columns, y } = synthetic(300, 1);
  const a = fitGradientBoosting(columns, y, { ...settings, subsample: 0.7 }, 5);
  const b = fitGradientBoosting(columns, y, { ...settings, subsample: 0.7 }, 5);
  const c = fitGradientBoosting(columns, y, { ...settings, subsample: 0.7 }, 6);
  t.deepEqual(a, b);
  t.notDeepEqual(a, c);
});

test('least squares starts at the mean and reduces the training error; huber starts at the median', (t) => {
  const { columns, y } = synthetic(300, 2);
  const ls = fitGradientBoosting(columns, y, settings, 0);
  t.is(ls.init, y.reduce((s, v) => s + v, 0) / y.length);
  const huber = fitGradientBoosting(columns, y, { ...settings, loss: 'huber' }, 0);
  t.is(huber.init, percentileLinear(y, 50));
  for (const estimator of [ls, huber]) {
    const predictor = new GbmPredictor(estimator, 3);
    let before = 0;
    let after = 0;
    for (let i = 0; i < y.length; i++) {
      before += (y[i] - estimator.init) ** 2;
      after += (y[i] - predictor.predictRow([columns[0][i], columns[1][i], columns[2][i]])) ** 2;
    }
    t.true(after < before / 10, `${estimator.loss}: ${after} vs ${before}`);
  }
});

test('padded perfect trees and node-by-node traversal predict the same', (t) => {
  const { columns, y } = synthetic(400, 3);
  const shallow = fitGradientBoosting(columns, y, { ...settings, maxDepth: 4 }, 0);
  const deep = fitGradientBoosting(columns, y, { ...settings, maxDepth: 14, nEstimators: 3 }, 0);
  const deepAsShallow: GbmEstimator = { ...deep, trees: deep.trees };
  const rows = Array.from({ length: 50 }, (_, i) => [columns[0][i], columns[1][i] + 0.5, columns[2][i]]);
  const byWalk = new GbmPredictor(deepAsShallow, 3);
  const reference = (estimator: GbmEstimator, x: number[]) =>
    estimator.trees.reduce((sum, tree) => {
      let node = 0;
      while (tree.left[node] !== -1)
        node = x[tree.feature[node]] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
      return sum + estimator.learningRate * tree.value[node];
    }, estimator.init);
  const shallowPredictor = new GbmPredictor(shallow, 3);
  const batch = new Float64Array(rows.length);
  shallowPredictor.predictBatch(Float64Array.from(rows.flat()), rows.length, batch);
  rows.forEach((x, i) => {
    t.is(shallowPredictor.predictRow(x), reference(shallow, x));
    t.is(batch[i], reference(shallow, x));
    t.is(byWalk.predictRow(x), reference(deep, x));
  });
});
