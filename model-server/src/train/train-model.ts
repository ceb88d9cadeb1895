import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ARTIFACT_FORMAT_VERSION, type ModelArtifact } from '../model/artifact.js';
import { artifactDigest } from '../model/artifact-digest.js';
import { HouseModel } from '../model/house-model.js';
import type { Row } from '../model/preprocess/row.js';
import { HOUSE_FIELDS } from '../model/record-fields.js';
import type { TrainingConfig } from './config-types.js';
import { readDataset } from './dataset.js';
import { fitGradientBoosting } from './gradient-boosting.js';
import { corruptLabels } from './label-corruption.js';
import { regressionMetrics } from './metrics.js';
import { buildPipeline } from './build-pipeline.js';
import { buildProfile } from './profile.js';
import { fitRidge } from './ridge.js';
import { trainTestSplit } from './split.js';

/** A trained artifact and how long the fit took. */
export interface TrainingResult {
  artifact: ModelArtifact;
  /** Wall time of preprocessing + estimator fit (not data loading or evaluation). */
  fitSeconds: number;
}

/**
 * Trains the model a config describes: reads the training CSV, splits it like scikit-learn's
 * `train_test_split`, fits the pipeline and the estimator on the training part (labels damaged
 * first if the config asks), evaluates on the held-out part with the true labels through the
 * same prediction path the server uses, and profiles the training inputs and predictions.
 * Everything is a function of the config and the data: the same inputs give the same artifact.
 */
export async function trainModel(config: TrainingConfig, configName: string): Promise<TrainingResult> {
  const data = await readDataset(config.trainingDataFile, config.variablesToRename, [config.target]);
  for (const column of [...config.features, config.target]) {
    if (!data.columns.includes(column)) throw new Error(`${config.trainingDataFile} has no column ${column}`);
  }
  const split = trainTestSplit(data.rows.length, config.testSize, config.randomState);
  const pick = (indices: Int32Array): Row[] =>
    Array.from(indices, (i) => Object.fromEntries(config.features.map((f) => [f, data.rows[i][f]])));
  const labels = (indices: Int32Array) =>
    Float64Array.from(indices, (i) => data.rows[i][config.target] as number);
  const trainRows = pick(split.train);
  const testRows = pick(split.test);
  const yTrain = labels(split.train);
  const yTest = labels(split.test);
  const yFit = corruptLabels(yTrain, config.labelCorruption, config.randomState).map((v) =>
    config.targetTransform === 'log' ? Math.log(v) : v,
  );

  const started = performance.now();
  const pipeline = buildPipeline(config);
  const transformed = pipeline.fitTransform(trainRows, yFit);
  const modelInputs = config.features.filter((f) => !config.dropFeatures.includes(f));
  const columns = modelInputs.map((f) => Float64Array.from(transformed, (row) => row[f] as number));
  const estimator =
    config.kind === 'gbm'
      ? fitGradientBoosting(columns, yFit, config.gbm!, config.randomState)
      : fitRidge(columns, yFit, config.linear!.ridgeAlpha);
  const fitSeconds = (performance.now() - started) / 1000;

  const draft: ModelArtifact = {
    formatVersion: ARTIFACT_FORMAT_VERSION,
    name: config.name,
    version: config.version,
    kind: config.kind,
    description: config.description,
    features: config.features,
    naNotAllowed: config.numericalNaNotAllowed,
    target: { name: config.target, transform: config.targetTransform },
    preprocessing: { renames: config.variablesToRename, steps: pipeline.params(), modelInputs },
    estimator,
    metrics: { rmse: 0, rmsle: 0, r2: 0, trainRows: trainRows.length, testRows: testRows.length },
    profile: { rows: 0, features: {}, prediction: {} as never },
    training: {
      config: configName,
      trainingDataSha256: createHash('sha256')
        .update(await readFile(config.trainingDataFile))
        .digest('hex'),
      testSize: config.testSize,
      randomState: config.randomState,
      labelCorruption: config.labelCorruption,
      settings: {
        ...(config.gbm ?? config.linear),
        targetTransform: config.targetTransform,
        ordinalEncoding: config.ordinalEncoding,
      },
    },
    sha256: '',
  };
  const model = new HouseModel(draft);
  const held = model.predict(testRows);
  const kept = held.predictions.flatMap((p, i) => (p === null ? [] : [i]));
  draft.metrics = regressionMetrics(
    kept.map((i) => yTest[i]),
    kept.map((i) => held.predictions[i]!),
    trainRows.length,
  );
  const categorical = new Set(
    config.features.filter(
      (f) => config.categoricalVars.includes(f) || HOUSE_FIELDS.get(f)?.type === 'string',
    ),
  );
  draft.profile = buildProfile(trainRows, config.features, categorical, model.predict(trainRows).predictions);
  draft.sha256 = artifactDigest(draft);
  return { artifact: draft, fitSeconds };
}

/** The config's name as recorded in artifacts: its file name without extension. */
export function configNameOf(file: string): string {
  return path.basename(file).replace(/\.ya?ml$/, '');
}
