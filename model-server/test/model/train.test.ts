import test from 'ava';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { modelFromArtifact } from '../../src/model/load.js';
import { trainMain } from '../../src/train/cli.js';
import { loadTrainingConfig } from '../../src/train/config.js';
import { trainModel } from '../../src/train/train-model.js';
import { readDataset } from '../../src/train/dataset.js';
import { trainTestSplit } from '../../src/train/split.js';
import { configPath, dataDir, sklearnReference, trainShipped } from './helpers.js';

test("course settings give scikit-learn's model: same held-out predictions and RMSE", async (t) => {
  const { artifact } = await trainShipped('course-gbm');
  const reference = sklearnReference.models.squared_error;
  t.is(artifact.metrics.trainRows, 1314);
  t.is(artifact.metrics.testRows, 146);
  // within 3% is the requirement; the port is exact up to float rounding
  t.true(
    Math.abs(artifact.metrics.rmse / reference.rmse - 1) < 1e-9,
    `${artifact.metrics.rmse} vs ${reference.rmse}`,
  );
  t.true(Math.abs(artifact.metrics.rmsle - reference.rmsle) < 1e-9);
  const estimator = artifact.estimator;
  t.is(estimator.type === 'gbm' && estimator.init, reference.init);

  const data = await readDataset(path.join(dataDir, 'train.csv'), artifact.preprocessing.renames);
  const split = trainTestSplit(data.rows.length, 0.1, 0);
  const held = modelFromArtifact(artifact).predict(Array.from(split.test, (i) => data.rows[i]));
  held.predictions.forEach((p, i) => t.true(Math.abs(p! - reference.testPredictions[i]) < 1e-6, `row ${i}`));
});

test('huber loss and subsampling settings match scikit-learn as well', async (t) => {
  const base = await loadTrainingConfig(configPath('course-gbm'));
  const huber = structuredClone(base);
  huber.gbm!.loss = 'huber';
  const sub = structuredClone(base);
  Object.assign(sub.gbm!, {
    subsample: 0.8,
    maxDepth: 4,
    minSamplesLeaf: 3,
    minSamplesSplit: 5,
    learningRate: 0.05,
    nEstimators: 100,
  });
  for (const [config, name] of [
    [huber, 'huber'],
    [sub, 'squared_error_subsample'],
  ] as const) {
    const { artifact } = await trainModel(config, name);
    const reference = sklearnReference.models[name];
    t.true(
      Math.abs(artifact.metrics.rmse / reference.rmse - 1) < 1e-9,
      `${name}: ${artifact.metrics.rmse} vs ${reference.rmse}`,
    );
  }
});

test("the first house of test.csv is priced inside the course model's band", async (t) => {
  const { artifact } = await trainShipped('course-gbm');
  const { rows } = await readDataset(path.join(dataDir, 'test.csv'), {});
  const [price] = modelFromArtifact(artifact).predict([rows[0]]).predictions;
  // scikit-learn's course pipeline gives 123,758.90 for this 896 sq ft 1961 ranch (Id 1461);
  // the median sale in train.csv is 163,000.
  t.true(price! > 123_000 && price! < 124_500, String(price));
  t.true(Math.abs(price! - sklearnReference.models.squared_error.firstTestFileRowPrediction) < 1e-6);
});

test('gradient boosting beats the linear baseline on the held-out split', async (t) => {
  const [course, linear, tuned] = await Promise.all(
    ['course-gbm', 'linear-baseline', 'default-gbm'].map(trainShipped),
  );
  t.true(course.artifact.metrics.rmse < linear.artifact.metrics.rmse);
  t.true(tuned.artifact.metrics.rmse < linear.artifact.metrics.rmse);
  t.true(tuned.artifact.metrics.rmsle < linear.artifact.metrics.rmsle);
  t.true(tuned.artifact.metrics.rmsle <= 0.12, `default-gbm RMSLE ${tuned.artifact.metrics.rmsle}`);
  t.is(linear.artifact.estimator.type, 'ridge');
});

test('the bad model is measurably bad: predictions about 1.5 times too high', async (t) => {
  const [bad, course] = await Promise.all(['bad-gbm', 'course-gbm'].map(trainShipped));
  const ratio = bad.artifact.profile.prediction.mean / course.artifact.profile.prediction.mean;
  t.true(ratio > 1.4 && ratio < 1.6, String(ratio));
  t.true(bad.artifact.metrics.rmse > 3 * course.artifact.metrics.rmse);
});

test('the artifact records the profile of every raw feature and of the predictions', async (t) => {
  const { artifact } = await trainShipped('course-gbm');
  const { profile } = artifact;
  t.is(profile.rows, 1314);
  t.deepEqual(Object.keys(profile.features), artifact.features);
  const area = profile.features.GrLivArea;
  t.is(area.type, 'numerical');
  if (area.type !== 'numerical') return;
  t.is(
    area.histogram.counts.reduce((a, b) => a + b, 0),
    1314,
  );
  t.is(area.quantiles.values[0], area.min);
  t.is(area.quantiles.values[10], area.max);
  const basement = profile.features.BsmtQual;
  t.is(basement.type, 'categorical');
  if (basement.type !== 'categorical') return;
  t.true(basement.missingRate > 0.01 && basement.missingRate < 0.05);
  t.true(Math.abs(Object.values(basement.frequencies).reduce((a, b) => a + b, 0) - 1) < 1e-12);
  t.true(profile.prediction.mean > 150_000 && profile.prediction.mean < 210_000);
});

test('same config and seed give a byte-identical artifact file', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'model-train-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const files = [path.join(dir, 'a.json'), path.join(dir, 'b', 'b.json')];
  for (const out of files) t.is(await trainMain(['--config', configPath('course-gbm'), '--out', out]), 0);
  const [a, b] = await Promise.all(files.map((f) => readFile(f)));
  t.true(a.equals(b));
  t.is(JSON.parse(a.toString()).version, '0.1.0');
});

test('the train CLI refuses bad usage and bad configs with exit code 2', async (t) => {
  t.is(await trainMain(['--config', configPath('course-gbm')]), 2);
  t.is(await trainMain(['--bogus']), 2);
  t.is(await trainMain(['--config', '/nonexistent.yml', '--out', '/tmp/x.json']), 2);
  t.is(await trainMain(['--help']), 0);
});
