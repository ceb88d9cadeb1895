import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { GbmEstimator, ModelArtifact, TreeArrays } from '../../src/model/artifact.js';
import { validateArtifact } from '../../src/model/artifact-validate.js';
import { GbmPredictor } from '../../src/model/gbm-predictor.js';
import { Pipeline } from '../../src/model/preprocess/pipeline.js';
import { readDataset } from '../../src/train/dataset.js';
import { dataDir, repoRoot } from './helpers.js';

const artifactDir = path.join(repoRoot, 'model-server/artifacts');
const shippedGbms = readdirSync(artifactDir)
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({
    file,
    artifact: validateArtifact(JSON.parse(readFileSync(path.join(artifactDir, file), 'utf8')), file),
  }))
  .filter(({ artifact }) => artifact.estimator.type === 'gbm');

/**
 * The plainest walk of the artifact's trees (scikit-learn's layout) with the predictor's rules,
 * unchanged from before the generated walks: right when value > threshold (so NaN goes left),
 * the sum init + lr * leaf accumulated in tree order.
 */
function reference(estimator: GbmEstimator, x: ArrayLike<number>, offset: number): number {
  return estimator.trees.reduce((sum, tree) => {
    let node = 0;
    while (tree.left[node] !== -1)
      node = x[offset + tree.feature[node]] > tree.threshold[node] ? tree.right[node] : tree.left[node];
    return sum + estimator.learningRate * tree.value[node];
  }, estimator.init);
}

/** The estimator inputs of every record of `file` the model predicts, as HouseModel builds them. */
async function inputMatrix(
  artifact: ModelArtifact,
  file: string,
): Promise<{ x: Float64Array; rows: number }> {
  const { rows } = await readDataset(path.join(dataDir, file), artifact.preprocessing.renames);
  const pipeline = Pipeline.fromParams(artifact.preprocessing.steps);
  const inputs = artifact.preprocessing.modelInputs;
  const values: number[] = [];
  let count = 0;
  for (const row of rows) {
    if (artifact.naNotAllowed.some((field) => row[field] === null || row[field] === undefined)) continue;
    const prepared = pipeline.transformRow({ ...row });
    for (const name of inputs) values.push(Math.fround(prepared[name] as number));
    count++;
  }
  return { x: Float64Array.from(values), rows: count };
}

/** Index of the first row where a walk differs from the reference (bit for bit), or -1. */
function firstDifference(
  estimator: GbmEstimator,
  x: Float64Array,
  rows: number,
  width: number,
  predict: (r: number) => number,
): number {
  for (let r = 0; r < rows; r++) {
    if (!Object.is(predict(r), reference(estimator, x, r * width))) return r;
  }
  return -1;
}

/** Every way the predictor can be driven: generated code or generic walk, batch or row by row. */
function walks(estimator: GbmEstimator, x: Float64Array, rows: number, width: number) {
  const compiled = new GbmPredictor(estimator, width);
  const generic = new GbmPredictor(estimator, width, { compile: false });
  const batch = (predictor: GbmPredictor) => {
    const out = new Float64Array(rows);
    predictor.predictBatch(x, rows, out);
    return (r: number) => out[r];
  };
  const plainRows = Array.from(x);
  return {
    compiled,
    walks: {
      'compiled batch': batch(compiled),
      'compiled row': (r: number) => compiled.predictRow(x, r * width),
      'generic batch': batch(generic),
      'generic row': (r: number) => generic.predictRow(x, r * width),
      'row of a plain array': (r: number) => compiled.predictRow(plainRows, r * width),
    },
  };
}

test('every shipped GBM artifact is in the check', (t) => {
  t.deepEqual(shippedGbms.map(({ file }) => file).sort(), [
    'bad-gbm.json',
    'course-gbm.json',
    'default-gbm.json',
  ]);
});

for (const { file: artifactFile, artifact } of shippedGbms) {
  for (const file of ['train.csv', 'test.csv']) {
    test(`${artifactFile}: every ${file} prediction is bit-identical to the reference walk`, async (t) => {
      const estimator = artifact.estimator as GbmEstimator;
      const width = artifact.preprocessing.modelInputs.length;
      const { x, rows } = await inputMatrix(artifact, file);
      t.true(rows >= 1450, `${rows} rows`);
      const { compiled, walks: all } = walks(estimator, x, rows, width);
      t.true(compiled.compiled, 'the generated walks are used');
      for (const [name, predict] of Object.entries(all))
        t.is(firstDifference(estimator, x, rows, width, predict), -1, name);
    });
  }
}

test('values at, next to and beyond every threshold, NaN and infinities go the same way in every walk', (t) => {
  for (const { file: artifactFile, artifact } of shippedGbms) {
    const estimator = artifact.estimator as GbmEstimator;
    const width = artifact.preprocessing.modelInputs.length;
    const candidates: number[][] = Array.from({ length: width }, () => [NaN, Infinity, -Infinity, -0]);
    for (const tree of estimator.trees) {
      tree.feature.forEach((feature, node) => {
        if (tree.left[node] === -1) return;
        const threshold = tree.threshold[node];
        candidates[feature].push(threshold, nextUp(threshold), nextDown(threshold));
      });
    }
    // 1001 rows: not a multiple of the four-row walk nor of the 256-row block.
    const rows = 1001;
    const x = new Float64Array(rows * width);
    let seed = 7;
    for (let i = 0; i < x.length; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const pool = candidates[i % width];
      x[i] = pool[seed % pool.length];
    }
    for (const [name, predict] of Object.entries(walks(estimator, x, rows, width).walks))
      t.is(firstDifference(estimator, x, rows, width, predict), -1, `${artifactFile}: ${name}`);
  }
});

test('NaN goes left at a split, as before', (t) => {
  const stump: GbmEstimator = {
    type: 'gbm',
    loss: 'ls',
    learningRate: 1,
    init: 0,
    maxDepth: 1,
    trees: [
      {
        feature: [0, -2, -2],
        threshold: [0.5, -2, -2],
        left: [1, -1, -1],
        right: [2, -1, -1],
        value: [0, 10, 20],
      },
    ],
  };
  for (const compile of [true, false]) {
    const predictor = new GbmPredictor(stump, 1, { compile });
    const out = new Float64Array(3);
    predictor.predictBatch(Float64Array.of(NaN, 0.5, 0.6), 3, out);
    t.deepEqual(Array.from(out), [10, 10, 20], `compile: ${compile}`);
  }
});

test('ensembles of single leaves, and trees of unequal depth, sum like the reference', (t) => {
  const leaf = (value: number): TreeArrays => ({
    feature: [-2],
    threshold: [-2],
    left: [-1],
    right: [-1],
    value: [value],
  });
  const flat: GbmEstimator = {
    type: 'gbm',
    loss: 'ls',
    learningRate: 0.1,
    init: 3,
    maxDepth: 3,
    trees: [leaf(1), leaf(-2.5)],
  };
  const mixed: GbmEstimator = {
    ...flat,
    trees: [
      leaf(1),
      {
        feature: [1, -2, 0, -2, -2],
        threshold: [2, -2, 1, -2, -2],
        left: [1, -1, 3, -1, -1],
        right: [2, -1, 4, -1, -1],
        value: [0, 5, 0, 7, 9],
      },
    ],
  };
  const x = Float64Array.from({ length: 2 * 9 }, (_, i) => (i * 0.37) % 4);
  for (const estimator of [flat, mixed]) {
    for (const [name, predict] of Object.entries(walks(estimator, x, 9, 2).walks))
      t.is(firstDifference(estimator, x, 9, 2, predict), -1, name);
  }
});

test('the deepest padded trees (12 levels) and deeper ones walked node by node sum like the reference', (t) => {
  /** A tree splitting feature level % width on every level, going deeper on the right. */
  const comb = (levels: number, width: number): TreeArrays => {
    const tree: TreeArrays = { feature: [], threshold: [], left: [], right: [], value: [] };
    for (let level = 0; level < levels; level++) {
      const node = tree.value.length;
      tree.feature.push(level % width, -2);
      tree.threshold.push(
        [0.1, 0.2, 0.05, 0.3, 0.15, 0.25, 0.12, 0.22, 0.08, 0.28, 0.18, 0.02, 0.11][level],
        -2,
      );
      tree.left.push(node + 1, -1);
      tree.right.push(node + 2, -1);
      tree.value.push(0, level + 1);
    }
    tree.feature.push(-2);
    tree.threshold.push(-2);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push(100);
    return tree;
  };
  // Every combination of these values over the 3 features: paths end on every level.
  const values = [0.95, 0.26, 0.19, 0.09, NaN];
  const x = Float64Array.from({ length: 3 * 125 }, (_, i) => values[Math.floor(i / 3 / 5 ** (i % 3)) % 5]);
  for (const levels of [12, 13]) {
    const estimator: GbmEstimator = {
      type: 'gbm',
      loss: 'ls',
      learningRate: 0.5,
      init: 1,
      maxDepth: levels,
      trees: [comb(levels, 3), comb(3, 3), comb(levels - 1, 3)],
    };
    t.is(reference(estimator, x, 0), 1 + 0.5 * 300, 'row 0 (all 0.95) reaches every deepest leaf');
    const predictions = new Set(Array.from({ length: 125 }, (_, r) => reference(estimator, x, r * 3)));
    t.true(predictions.size >= 5, `${predictions.size} distinct predictions`);
    const all = walks(estimator, x, 125, 3);
    t.is(all.compiled.compiled, levels === 12);
    for (const [name, predict] of Object.entries(all.walks))
      t.is(firstDifference(estimator, x, 125, 3, predict), -1, `${levels} levels: ${name}`);
  }
});

test('artifact values never become code; a feature index past the row reads the same element in every walk', (t) => {
  const hostile = {
    type: 'gbm',
    loss: 'ls',
    learningRate: 1,
    init: 0,
    maxDepth: 1,
    trees: [
      {
        feature: ['0] + (globalThis.injected = 1) + x[0', -2, -2],
        threshold: ['(globalThis.injected = 2)', -2, -2],
        left: [1, -1, -1],
        right: [2, -1, -1],
        value: [0, 10, 20],
      },
    ],
  } as unknown as GbmEstimator;
  const predictor = new GbmPredictor(hostile, 1);
  t.true(predictor.compiled);
  const out = new Float64Array(9);
  predictor.predictBatch(new Float64Array(9).fill(0.7), 9, out);
  t.is((globalThis as Record<string, unknown>).injected, undefined);
  t.deepEqual(Array.from(out), new Array(9).fill(10)); // NaN threshold: never greater, left

  // Validation refuses such trees; the walks still agree on what they read.
  const beyond: GbmEstimator = {
    ...hostile,
    trees: [{ ...hostile.trees[0], feature: [3, -2, -2], threshold: [0.5, -2, -2] }],
  };
  const x = Float64Array.from({ length: 12 }, (_, i) => (i % 3) * 0.4);
  for (const [name, predict] of Object.entries(walks(beyond, x, 9, 1).walks))
    t.is(firstDifference(beyond, x, 9, 1, predict), -1, name);
});

function nextUp(value: number): number {
  if (!Number.isFinite(value)) return value;
  const bits = new DataView(new ArrayBuffer(8));
  if (value === 0) return Number.MIN_VALUE;
  bits.setFloat64(0, value);
  bits.setBigInt64(0, bits.getBigInt64(0) + (value > 0 ? 1n : -1n));
  return bits.getFloat64(0);
}

function nextDown(value: number): number {
  return -nextUp(-value);
}
