import type { GbmEstimator, TreeArrays } from '../model/artifact.js';
import type { GbmSettings } from './config-types.js';
import { HuberLoss, LeastSquaresLoss, type BoostingLoss } from './losses.js';
import { RandomState } from './numpy-random.js';
import { applyTree, columnMatrix, fitRegressionTree, LEAF } from './regression-tree.js';

/** scikit-learn's trees draw `randint(0, RAND_R_MAX)` from the shared RandomState for their seed. */
const TREE_SEED_MAX = 2147483646;

/** Settings of `fitGradientBoosting`. */
export type BoostingSettings = Omit<GbmSettings, 'allowedLossFunctions'>;

/**
 * Fits a gradient-boosting regressor following scikit-learn's `GradientBoostingRegressor`:
 * constant init, then per stage a regression tree on the loss's negative gradient (on a
 * subsample when `subsample` < 1), leaves re-estimated by the loss where it has a line search,
 * predictions moved by learningRate * leaf value. `columns` holds one array per feature.
 */
export function fitGradientBoosting(
  columns: Float64Array[],
  y: Float64Array,
  settings: BoostingSettings,
  seed: number,
): GbmEstimator {
  const matrix = columnMatrix(columns);
  const n = matrix.n;
  const loss: BoostingLoss =
    settings.loss === 'huber' ? new HuberLoss(settings.huberAlpha) : new LeastSquaresLoss();
  const init = loss.initialPrediction(y);
  const raw = new Float64Array(n).fill(init);
  const gradient = new Float64Array(n);
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const random = new RandomState(seed);
  const inBag = Math.max(1, Math.trunc(settings.subsample * n));
  const leafOf = new Int32Array(n);
  const trees: TreeArrays[] = [];
  for (let stage = 0; stage < settings.nEstimators; stage++) {
    loss.beginStage(y, raw);
    loss.negativeGradient(y, raw, gradient);
    const samples = settings.subsample < 1 ? sampleMask(random, n, inBag) : all;
    const tree = fitRegressionTree(matrix, gradient, samples, settings, random.interval(TREE_SEED_MAX));
    for (let i = 0; i < n; i++) leafOf[i] = applyTree(tree, matrix.columns, i);
    if (loss.leafValue) updateLeaves(loss, tree, leafOf, samples, y, raw);
    for (let i = 0; i < n; i++) raw[i] += settings.learningRate * tree.value[leafOf[i]];
    trees.push(tree);
  }
  return {
    type: 'gbm',
    loss: settings.loss,
    learningRate: settings.learningRate,
    init,
    maxDepth: settings.maxDepth,
    trees,
  };
}

/** scikit-learn's `_random_sample_mask`: exactly `inBag` of `n` rows; returns them in row order. */
function sampleMask(random: RandomState, n: number, inBag: number): Int32Array {
  const rows = new Int32Array(inBag);
  let bagged = 0;
  for (let i = 0; i < n; i++) {
    if (random.randomSample() * (n - i) < inBag - bagged) rows[bagged++] = i;
  }
  return rows;
}

/** The loss's line search per leaf over the in-bag rows that fell into it. */
function updateLeaves(
  loss: BoostingLoss,
  tree: TreeArrays,
  leafOf: Int32Array,
  samples: Int32Array,
  y: Float64Array,
  raw: Float64Array,
): void {
  const members = new Map<number, number[]>();
  for (const i of samples) {
    let list = members.get(leafOf[i]);
    if (!list) members.set(leafOf[i], (list = []));
    list.push(i);
  }
  for (let node = 0; node < tree.value.length; node++) {
    const indices = members.get(node);
    if (tree.left[node] === LEAF && indices)
      tree.value[node] = loss.leafValue!(y, raw, Int32Array.from(indices));
  }
}
