/**
 * Model figures: inference speed, accuracy against scikit-learn's reference run, training time.
 *   npx tsx test/bench/model.ts                    # everything
 *   npx tsx test/bench/model.ts --inference-only   # inference only
 * The scikit-learn figures come from test/bench/reference/sklearn_course_gbm.json (made once by
 * the Python script beside it); everything else is measured in this run.
 *
 * Inference figures are for the shipped artifacts (model-server/artifacts/, byte-identical to
 * what training gives) and are model time after preprocessing: the estimator inputs of
 * test.csv's records (as HouseModel prepares them) repeated to a large matrix, then predicted
 * in one batch. Each figure is the best and the median of several passes, by wall clock and
 * by this process's CPU time (the latter is steadier on a shared machine).
 *
 * Inference runs first, before the training code is imported: under tsx, loading a CommonJS
 * package (the training config's `yaml`) detaches an ArrayBuffer, which makes V8 check every
 * typed-array access of the process for detached buffers from then on. That made the
 * generated walk about half as fast; the built server (plain node) never does it.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GbmEstimator, ModelArtifact } from '../../model-server/src/model/artifact.js';
import { GbmPredictor } from '../../model-server/src/model/gbm-predictor.js';
import { modelFromArtifact } from '../../model-server/src/model/load.js';
import { Pipeline } from '../../model-server/src/model/preprocess/pipeline.js';
import { readDataset } from '../../model-server/src/train/dataset.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const reference = JSON.parse(
  readFileSync(path.join(root, 'test/bench/reference/sklearn_course_gbm.json'), 'utf8'),
);
const print = (label: string, value: string) => process.stdout.write(`${label.padEnd(48)} ${value}\n`);
const shipped = (name: string): ModelArtifact =>
  JSON.parse(readFileSync(path.join(root, 'model-server/artifacts', `${name}.json`), 'utf8'));

/** Trains every shipped config, prints accuracy and fit times. */
async function accuracyAndTraining(): Promise<void> {
  const { loadTrainingConfig } = await import('../../model-server/src/train/config.js');
  const { trainModel } = await import('../../model-server/src/train/train-model.js');
  const config = (name: string) => loadTrainingConfig(path.join(root, 'model-server/config', `${name}.yml`));
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
}

/** Estimator inputs of every test.csv record the model predicts, row-major, as HouseModel builds them. */
async function inputMatrix(artifact: ModelArtifact): Promise<{ x: Float64Array; rows: number }> {
  const { rows } = await readDataset(
    path.join(root, 'model-server/data/test.csv'),
    artifact.preprocessing.renames,
  );
  const pipeline = Pipeline.fromParams(artifact.preprocessing.steps);
  const inputs = artifact.preprocessing.modelInputs;
  const usable = rows.filter((row) => artifact.naNotAllowed.every((field) => row[field] != null));
  const x = new Float64Array(usable.length * inputs.length);
  usable.forEach((row, r) => {
    const prepared = pipeline.transformRow({ ...row });
    inputs.forEach((name, j) => (x[r * inputs.length + j] = Math.fround(prepared[name] as number)));
  });
  return { x, rows: usable.length };
}

/** Seconds per pass of `run`, by wall clock and by CPU time, each sorted fastest first. */
function timed(passes: number, run: () => void): { wall: number[]; cpu: number[] } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let pass = 0; pass < passes; pass++) {
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    run();
    wall.push(Number(process.hrtime.bigint() - t0) / 1e9);
    const used = process.cpuUsage(cpu0);
    cpu.push((used.user + used.system) / 1e6);
  }
  const ascending = (a: number, b: number) => a - b;
  return { wall: wall.sort(ascending), cpu: cpu.sort(ascending) };
}

/** "best / median" of `per(seconds)` over the passes, wall clock then CPU time. */
function bestAndMedian(times: { wall: number[]; cpu: number[] }, per: (s: number) => string): string {
  const pair = (list: number[]) => `${per(list[0])} / ${per(list[Math.floor((list.length - 1) / 2)])}`;
  return `${pair(times.wall)} wall, ${pair(times.cpu)} CPU (best / median of ${times.wall.length})`;
}

async function inference(name: string, artifact: ModelArtifact, batchRows: number): Promise<void> {
  const { x, rows } = await inputMatrix(artifact);
  const width = artifact.preprocessing.modelInputs.length;
  const estimator = artifact.estimator as GbmEstimator;
  const repeat = Math.ceil(batchRows / rows);
  const big = new Float64Array(x.length * repeat);
  for (let k = 0; k < repeat; k++) big.set(x, k * x.length);
  const total = rows * repeat;
  const out = new Float64Array(total);
  const rowsPerSecond = (s: number) => `${(total / s / 1e6).toFixed(2)}`;
  for (const [walk, options] of [
    ['generated walk', {}],
    ['generic walk', { compile: false }],
  ] as const) {
    const predictor = new GbmPredictor(estimator, width, options);
    predictor.predictBatch(big, total, out); // warm-up pass, not counted
    const batch = timed(9, () => predictor.predictBatch(big, total, out));
    print(`${name} batch, ${walk}`, `${bestAndMedian(batch, rowsPerSecond)} M rows/s (${total} rows)`);
  }
  const predictor = new GbmPredictor(estimator, width);
  let sink = 0;
  const calls = 200_000;
  const single = timed(7, () => {
    for (let i = 0; i < calls; i++) sink += predictor.predictRow(x, (i % rows) * width);
  });
  print(
    `${name} single row, model only`,
    `${bestAndMedian(single, (s) => ((s / calls) * 1e6).toFixed(3))} µs`,
  );
  const model = modelFromArtifact(artifact);
  const { rows: records } = await readDataset(path.join(root, 'model-server/data/test.csv'), {});
  const full = timed(5, () => {
    for (let i = 0; i < 20_000; i++) sink += model.predict([records[i % 1000]]).predictions[0] ?? 0;
  });
  print(
    `${name} single record incl. preprocessing`,
    `${bestAndMedian(full, (s) => ((s / 20_000) * 1e6).toFixed(2))} µs`,
  );
  const all = timed(5, () => void (sink += model.predict(records).predictions.length));
  print(
    `${name} batch of 1459 records incl. preprocessing`,
    `${bestAndMedian(all, (s) => (records.length / s / 1e3).toFixed(0))} k records/s`,
  );
  if (sink === 42) print('', ''); // keeps the work observable
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
print('load average (1, 5, 15 min) before inference', load());
await inference('course-gbm (50 stages, depth 3)', shipped('course-gbm'), 1_000_000);
await inference('default-gbm (600 stages, depth 4)', shipped('default-gbm'), 200_000);
print('load average (1, 5, 15 min) after inference', load());
if (!process.argv.includes('--inference-only')) await accuracyAndTraining();
