import type { StepParams } from './preprocess/transformer.js';
import type { TrainingProfile } from './profile.js';
import type { TrainingMetrics } from './types.js';

/** The artifact layout this code writes and reads; bumped on any incompatible change. */
export const ARTIFACT_FORMAT_VERSION = 1;

/**
 * One regression tree in scikit-learn's layout: node i splits on `feature[i]` at `threshold[i]`
 * (go left when value <= threshold) into `left[i]`/`right[i]`; leaves have left = right = -1 and
 * feature = -2. `value[i]` is the node's mean (leaves: the stage's output before the learning rate).
 */
export interface TreeArrays {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

/** A gradient-boosting ensemble: prediction = init + learningRate * sum of tree outputs. */
export interface GbmEstimator {
  type: 'gbm';
  loss: string;
  learningRate: number;
  init: number;
  maxDepth: number;
  trees: TreeArrays[];
}

/** A ridge regression on standardized inputs: prediction = intercept + sum(coef * (x - mean) / scale). */
export interface LinearEstimator {
  type: 'ridge';
  alpha: number;
  intercept: number;
  coefficients: number[];
  means: number[];
  scales: number[];
}

/** How the inputs become the estimator's columns. */
export interface PreprocessingSpec {
  /** Kaggle spelling -> course spelling. */
  renames: Record<string, string>;
  /** Fitted pipeline steps, applied in order. */
  steps: StepParams[];
  /** Columns fed to the estimator, in order (after the steps). */
  modelInputs: string[];
}

/** The training run behind an artifact (enough to reproduce it). */
export interface TrainingRecord {
  config: string;
  trainingDataSha256: string;
  testSize: number;
  randomState: number;
  labelCorruption: { kind: string; factor: number };
  settings: Record<string, unknown>;
}

/** A versioned model artifact (JSON). `sha256` covers the rest of the content. */
export interface ModelArtifact {
  formatVersion: number;
  name: string;
  version: string;
  kind: 'gbm' | 'linear';
  description: string;
  /** Raw input features (course spelling). */
  features: string[];
  /** Features whose missing value leaves a record out of the prediction. */
  naNotAllowed: string[];
  target: { name: string; transform: 'none' | 'log' };
  preprocessing: PreprocessingSpec;
  estimator: GbmEstimator | LinearEstimator;
  metrics: TrainingMetrics;
  profile: TrainingProfile;
  training: TrainingRecord;
  sha256: string;
}
