/**
 * Model figures: accuracy against scikit-learn's reference run, training time, inference speed.
 *   npx tsx test/bench/model.ts
 * The scikit-learn figures come from test/bench/reference/sklearn_course_gbm.json (made once by
 * the Python script beside it); everything else is measured in this run.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GbmEstimator } from '../../model-server/src/model/artifact.js';
import { GbmPredictor } from '../../model-server/src/model/gbm-predictor.js';
import { modelFromArtifact } from '../../model-server/src/model/load.js';
import { Pipeline } from '../../model-server/src/model/preprocess/pipeline.js';
import { loadTrainingConfig } from '../../model-server/src/train/config.js';
import { readDataset } from '../../model-server/src/train/dataset.js';
import { trainModel } from '../../model-server/src/train/train-model.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const reference = JSON.parse(
  readFileSync(path.join(root, 'test/bench/reference/sklearn_course_gbm.json'), 'utf8'),
);
const config = (name: string) => loadTrainingConfig(path.join(root, 'model-server/config', `${name}.yml`));
const print = (label: string, value: string) => process.stdout.write(`${label.padEnd(48)} ${value}\n`);

const course = await trainModel(await config('course-gbm'), 'course-gbm');
const sk = reference.models.squared_error;
print('course-gbm held-out RMSE (USD)', `${course.artifact.metrics.rmse.toFixed(2)}`);
print('scikit-learn same split (USD)', `${sk.rmse.toFixed(2)} (sklearn ${reference.sklearn})`);
print('ratio (target within 3%)', `${(course.artifact.metrics.rmse / sk.rmse).toFixed(6)}`);
print(
  'course-gbm RMSLE / scikit-learn',
  `${course.artifact.metrics.rmsle.toFixed(5)} / ${sk.rmsle.toFixed(5)}`,
);

const fits: number[] = [];
for (let i = 0; i < 5; i++)
  fits.push((await trainModel(await config('course-gbm'), 'course-gbm')).fitSeconds);
fits.sort((a, b) => a - b);
print(
  'course-gbm fit time, median of 5 (target < 1 s)',
  `${fits[2].toFixed(3)} s (scikit-learn ${sk.fitSeconds.toFixed(3)} s)`,
);

const others: Record<string, Awaited<ReturnType<typeof trainModel>>> = {};
for (const name of ['linear-baseline', 'default-gbm', 'bad-gbm']) {
  others[name] = await trainModel(await config(name), name);
  const m = others[name].artifact.metrics;
  print(
    `${name} held-out RMSE / RMSLE`,
    `${m.rmse.toFixed(2)} / ${m.rmsle.toFixed(5)} (fit ${others[name].fitSeconds.toFixed(2)} s)`,
  );
}
print('default-gbm RMSLE (target <= 0.12)', others['default-gbm'].artifact.metrics.rmsle.toFixed(5));

/** Model inputs (after preprocessing) of every train.csv row, row-major. */
async function inputMatrix(artifact: typeof course.artifact): Promise<{ x: Float64Array; rows: number }> {
  const { rows } = await readDataset(
    path.join(root, 'model-server/data/train.csv'),
    artifact.preprocessing.renames,
  );
  const pipeline = Pipeline.fromParams(artifact.preprocessing.steps);
  const inputs = artifact.preprocessing.modelInputs;
  const x = new Float64Array(rows.length * inputs.length);
  rows.forEach((row, r) => {
    const prepared = pipeline.transformRow({ ...row });
    inputs.forEach((name, j) => (x[r * inputs.length + j] = Math.fround(prepared[name] as number)));
  });
  return { x, rows: rows.length };
}

/** Best-of-`passes` seconds of `run`. */
function best(passes: number, run: () => void): number {
  let fastest = Infinity;
  for (let pass = 0; pass < passes; pass++) {
    const t0 = process.hrtime.bigint();
    run();
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return fastest;
}

async function inference(name: string, artifact: typeof course.artifact): Promise<void> {
  const { x, rows } = await inputMatrix(artifact);
  const width = artifact.preprocessing.modelInputs.length;
  const predictor = new GbmPredictor(artifact.estimator as GbmEstimator, width);
  const repeat = 700; // about a million rows per pass
  const big = new Float64Array(x.length * repeat);
  for (let k = 0; k < repeat; k++) big.set(x, k * x.length);
  const total = rows * repeat;
  const out = new Float64Array(total);
  const batch = best(7, () => predictor.predictBatch(big, total, out));
  print(`${name} batch, model only (one core)`, `${(total / batch / 1e6).toFixed(2)} M rows/s`);
  let sink = 0;
  const calls = 200_000;
  const single = best(5, () => {
    for (let i = 0; i < calls; i++) sink += predictor.predictRow(x, (i % rows) * width);
  });
  print(`${name} single row, model only`, `${((single / calls) * 1e6).toFixed(3)} µs`);
  const model = modelFromArtifact(artifact);
  const { rows: records } = await readDataset(path.join(root, 'model-server/data/test.csv'), {});
  const full = best(5, () => {
    for (let i = 0; i < 20_000; i++) sink += model.predict([records[i % 1000]]).predictions[0] ?? 0;
  });
  print(`${name} single record incl. preprocessing`, `${((full / 20_000) * 1e6).toFixed(2)} µs`);
  const all = best(5, () => void (sink += model.predict(records).predictions.length));
  print(
    `${name} batch of 1459 records incl. preprocessing`,
    `${(records.length / all / 1e3).toFixed(0)} k records/s`,
  );
  if (sink === 42) print('', ''); // keeps the work observable
}

await inference('course-gbm (50 stages, depth 3)', course.artifact);
await inference('default-gbm (600 stages, depth 4)', others['default-gbm'].artifact);
