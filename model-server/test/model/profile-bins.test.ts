import path from 'node:path';
import test from 'ava';
import { loadModel } from '../../src/model/load.js';
import { featureBins, MISSING_BIN, profileBins, UNSEEN_BIN } from '../../src/model/profile-bins.js';
import type { NumericalProfile } from '../../src/model/profile.js';

const artifact = path.resolve(import.meta.dirname, '../../artifacts/course-gbm.json');

function numerical(sample: number[], missingRate = 0): NumericalProfile {
  return {
    type: 'numerical',
    count: sample.length,
    missingRate,
    min: sample[0],
    max: sample[sample.length - 1],
    mean: 0,
    std: 0,
    quantiles: { probabilities: [], values: [] },
    histogram: { edges: [], counts: [] },
    sample,
  };
}

test('numerical features get decile bins holding every training row, and a missing bin', (t) => {
  const sample = Array.from({ length: 100 }, (_, i) => i * 1.5);
  const bins = featureBins('x', numerical(sample, 0.2), 125);
  t.is(bins.kind, 'numerical');
  t.is(bins.labels.length, 11);
  t.is(bins.labels[0], '< 15');
  t.is(bins.labels[1], '[15, 30)');
  t.is(bins.labels[9], '>= 135');
  t.is(bins.labels[10], MISSING_BIN);
  t.deepEqual(bins.trainingCounts, [10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 25]);
  t.is(bins.binOf(14.9), 0);
  t.is(bins.binOf(15), 1, 'an edge belongs to the bin above');
  t.is(bins.binOf(-1e9), 0);
  t.is(bins.binOf(1e9), 9);
  t.is(bins.binOf('30'), 2, 'numeric strings are numbers');
  for (const missing of [null, undefined, '', Number.NaN, 'abc']) t.is(bins.binOf(missing), 10);
});

test('integer features with few distinct values get one bin per value and an unseen bin', (t) => {
  const bins = featureBins('rooms', numerical([1, 1, 2, 2, 2, 3, 5]), 7);
  t.is(bins.kind, 'discrete');
  t.deepEqual(bins.labels, ['1', '2', '3', '5', UNSEEN_BIN, MISSING_BIN]);
  t.deepEqual(bins.trainingCounts, [2, 3, 1, 1, 0, 0]);
  t.is(bins.binOf(4), 4);
  t.is(bins.binOf(2.5), 4);
  t.is(bins.binOf(5), 3);
  t.is(bins.binOf(null), 5);
});

test('categorical features get one bin per category, unseen and missing', (t) => {
  const bins = featureBins(
    'q',
    { type: 'categorical', count: 8, missingRate: 0.2, frequencies: { Gd: 0.25, TA: 0.75 } },
    10,
  );
  t.deepEqual(bins.labels, ['Gd', 'TA', UNSEEN_BIN, MISSING_BIN]);
  t.deepEqual(bins.trainingCounts, [2, 6, 0, 2]);
  t.is(bins.binOf('TA'), 1);
  t.is(bins.binOf('Po'), 2);
  t.is(bins.binOf('<script>'), 2);
  t.is(bins.binOf(null), 3);
});

test('the shipped course model profiles its features with training samples', async (t) => {
  const model = await loadModel(artifact);
  const bins = profileBins(model.profile);
  t.is(bins.length, model.features.length);
  const kinds = Object.fromEntries(bins.map((b) => [b.feature, b.kind]));
  t.is(kinds.OverallQual, 'discrete');
  t.is(kinds.BsmtQual, 'categorical');
  t.is(kinds.LotArea, 'numerical');
  for (const b of bins) {
    t.is(
      b.trainingCounts.reduce((x, y) => x + y, 0),
      model.profile.rows,
      `${b.feature} bins hold every training row`,
    );
  }
});

test('a profile without a training sample is refused by feature name', (t) => {
  const { sample: _, ...old } = numerical([1, 2, 3]);
  t.throws(() => featureBins('LotArea', old, 3), { message: /LotArea has no training sample.*retrain/ });
});

test('bin labels keep full precision when 6 digits would make two bins look alike', (t) => {
  const sample = Array.from({ length: 100 }, (_, i) => 1000000 + i / 1000);
  const labels = featureBins('x', numerical(sample), 100).labels;
  t.is(new Set(labels).size, labels.length);
  t.is(labels[1], '[1000000.01, 1000000.02)');
});
