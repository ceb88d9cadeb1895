import type { OrdinalMethod } from '../model/preprocess/transformer.js';
import type { SplitCriterion } from './split-criterion.js';

/** Loss functions the gradient-boosting trainer offers (the course allowed these two). */
export const LOSS_FUNCTIONS = ['ls', 'huber'] as const;
export type LossFunction = (typeof LOSS_FUNCTIONS)[number];

export const MODEL_KINDS = ['gbm', 'linear'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export const TARGET_TRANSFORMS = ['none', 'log'] as const;
export type TargetTransform = (typeof TARGET_TRANSFORMS)[number];

export const ORDINAL_METHODS: readonly OrdinalMethod[] = ['alphabetical', 'ordered'];

export const LABEL_CORRUPTIONS = ['none', 'shuffle', 'scale'] as const;

/** Deliberate damage to the training labels (only for the demo's bad model). */
export interface LabelCorruption {
  kind: (typeof LABEL_CORRUPTIONS)[number];
  /** Multiplier for `scale`. */
  factor: number;
}

/** Gradient-boosting settings (scikit-learn `GradientBoostingRegressor` names, camelCase). */
export interface GbmSettings {
  loss: LossFunction;
  allowedLossFunctions: LossFunction[];
  nEstimators: number;
  learningRate: number;
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  subsample: number;
  /** Quantile of the absolute residuals that sets huber's delta (scikit-learn's `alpha`). */
  huberAlpha: number;
  /** Split score of the trees (both rank splits the same; they round differently). */
  criterion: SplitCriterion;
}

/** Ridge settings of the linear baseline. */
export interface LinearSettings {
  ridgeAlpha: number;
}

/** A validated training configuration; variable names are in the course's spelling. */
export interface TrainingConfig {
  name: string;
  version: string;
  kind: ModelKind;
  description: string;
  /** Absolute paths (the YAML gives them relative to the config file). */
  trainingDataFile: string;
  testDataFile: string;
  target: string;
  targetTransform: TargetTransform;
  variablesToRename: Record<string, string>;
  features: string[];
  numericalVars: string[];
  categoricalVars: string[];
  temporalVars: string[];
  temporalReference: string;
  dropFeatures: string[];
  logTransformVars: string[];
  numericalVarsWithNa: string[];
  numericalNaNotAllowed: string[];
  testSize: number;
  randomState: number;
  rareLabelTol: number;
  rareLabelNCategories: number;
  ordinalEncoding: OrdinalMethod;
  labelCorruption: LabelCorruption;
  gbm?: GbmSettings;
  linear?: LinearSettings;
}
