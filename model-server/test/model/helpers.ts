import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTrainingConfig } from '../../src/train/config.js';
import { trainModel, type TrainingResult } from '../../src/train/train-model.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../../..');
export const configDir = path.join(repoRoot, 'model-server/config');
export const dataDir = path.join(repoRoot, 'model-server/data');

/** Path of a shipped training config. */
export const configPath = (name: string) => path.join(configDir, `${name}.yml`);

/** scikit-learn's figures for the course pipeline (test/bench/reference). */
export interface SklearnReference {
  split: { trainRows: number; testRows: number; testIndexFirst10: number[]; trainIndexFirst10: number[] };
  models: Record<
    string,
    {
      rmse: number;
      rmsle: number;
      r2: number;
      init: number;
      testPredictions: number[];
      firstTestFileRowPrediction: number;
    }
  >;
}

export const sklearnReference: SklearnReference = JSON.parse(
  readFileSync(path.join(repoRoot, 'test/bench/reference/sklearn_course_gbm.json'), 'utf8'),
);

const trained = new Map<string, Promise<TrainingResult>>();

/** Trains a shipped config once per test process. */
export function trainShipped(name: string): Promise<TrainingResult> {
  let result = trained.get(name);
  if (!result) {
    result = loadTrainingConfig(configPath(name)).then((config) => trainModel(config, name));
    trained.set(name, result);
  }
  return result;
}
