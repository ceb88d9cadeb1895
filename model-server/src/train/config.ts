import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, YAMLParseError } from 'yaml';
import { COURSE_RENAMES, HOUSE_FIELDS } from '../model/record-fields.js';
import { ConfigError, ConfigReader } from './config-reader.js';
import { SPLIT_CRITERIA } from './split-criterion.js';
import {
  LABEL_CORRUPTIONS,
  LOSS_FUNCTIONS,
  MODEL_KINDS,
  ORDINAL_METHODS,
  TARGET_TRANSFORMS,
  type GbmSettings,
  type LinearSettings,
  type TrainingConfig,
} from './config-types.js';

export { ConfigError } from './config-reader.js';

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const VERSION = /^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/;

/** Reads and validates a training config file (YAML). Throws `ConfigError` listing every problem. */
export async function loadTrainingConfig(file: string): Promise<TrainingConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [
      { field: '(file)', message: `cannot be read: ${(error as Error).message}` },
    ]);
  }
  return parseTrainingConfig(text, file, path.dirname(path.resolve(file)));
}

/** Parses and validates config text; data file paths are resolved against `baseDir`. */
export function parseTrainingConfig(text: string, source: string, baseDir: string): TrainingConfig {
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` (line ${error.linePos[0].line})` : '';
    throw new ConfigError(source, [
      { field: '(file)', message: `not valid YAML${where}: ${(error as Error).message}` },
    ]);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError(source, [{ field: '(file)', message: 'expected a YAML mapping of settings' }]);
  }
  const reader = new ConfigReader(data as Record<string, unknown>);
  const config = readConfig(reader, baseDir);
  reader.rejectUnknown();
  checkVariables(reader, config);
  if (reader.problems.length > 0) throw new ConfigError(source, reader.problems);
  return config;
}

function readConfig(r: ConfigReader, baseDir: string): TrainingConfig {
  const renames = readRenames(r);
  const names = (field: string, fallback?: string[]) => r.list(field, fallback).map((n) => renames[n] ?? n);
  const kind = r.oneOf('kind', MODEL_KINDS);
  const corruption = r.mapping('label_corruption', { kind: 'none' });
  const reference = r.string('temporal_reference', 'YrSold');
  const config: TrainingConfig = {
    name: r.string('name', undefined, NAME),
    version: r.string('version', undefined, VERSION),
    kind,
    description: r.optionalString('description'),
    trainingDataFile: path.resolve(baseDir, r.string('training_data_file', '../data/train.csv')),
    testDataFile: path.resolve(baseDir, r.string('test_data_file', '../data/test.csv')),
    target: r.string('target'),
    targetTransform: r.oneOf('target_transform', TARGET_TRANSFORMS, 'none'),
    variablesToRename: renames,
    features: names('features'),
    numericalVars: names('numerical_vars', []),
    categoricalVars: names('categorical_vars', []),
    temporalVars: names('temporal_vars', []),
    temporalReference: renames[reference] ?? reference,
    dropFeatures: names('drop_features', []),
    logTransformVars: names('log_transform_vars', []),
    numericalVarsWithNa: names('numerical_vars_with_na', []),
    numericalNaNotAllowed: names('numerical_na_not_allowed', []),
    testSize: r.number('test_size', undefined, { min: 0, max: 1, minExclusive: true }),
    randomState: r.number('random_state', undefined, { min: 0, max: 2 ** 32 - 1, integer: true }),
    rareLabelTol: r.number('rare_label_tol', 0.01, { min: 0, max: 1 }),
    rareLabelNCategories: r.number('rare_label_n_categories', 5, { min: 0, integer: true }),
    ordinalEncoding: r.oneOf('ordinal_encoding', ORDINAL_METHODS, 'alphabetical'),
    labelCorruption: {
      kind: LABEL_CORRUPTIONS.includes(corruption.kind as never) ? (corruption.kind as 'none') : 'none',
      factor: typeof corruption.factor === 'number' ? corruption.factor : 1,
    },
  };
  if (!LABEL_CORRUPTIONS.includes(corruption.kind as never)) {
    r.problem(
      'label_corruption.kind',
      `${JSON.stringify(corruption.kind)} is not in the allowed set [${LABEL_CORRUPTIONS.join(', ')}]`,
    );
  }
  if (corruption.kind === 'scale' && !(typeof corruption.factor === 'number' && corruption.factor > 0)) {
    r.problem('label_corruption.factor', 'scale needs a factor > 0');
  }
  if (kind === 'gbm') config.gbm = readGbm(r);
  if (kind === 'linear') config.linear = readLinear(r);
  return config;
}

function readRenames(r: ConfigReader): Record<string, string> {
  const renames = r.mapping('variables_to_rename', COURSE_RENAMES);
  for (const [from, to] of Object.entries(renames)) {
    if (typeof to !== 'string')
      r.problem(`variables_to_rename.${from}`, `expected a name, got ${JSON.stringify(to)}`);
  }
  return renames as Record<string, string>;
}

function readGbm(r: ConfigReader): GbmSettings {
  const allowed = r.list('allowed_loss_functions', [...LOSS_FUNCTIONS]);
  for (const loss of allowed) {
    if (!(LOSS_FUNCTIONS as readonly string[]).includes(loss)) {
      r.problem(
        'allowed_loss_functions',
        `${JSON.stringify(loss)} is not a loss this trainer offers [${LOSS_FUNCTIONS.join(', ')}]`,
      );
    }
  }
  const allowedLosses = allowed.filter((l) =>
    (LOSS_FUNCTIONS as readonly string[]).includes(l),
  ) as GbmSettings['loss'][];
  return {
    loss: r.oneOf('loss', allowedLosses.length > 0 ? allowedLosses : [...LOSS_FUNCTIONS]),
    allowedLossFunctions: allowedLosses,
    nEstimators: r.number('n_estimators', undefined, { min: 1, max: 100000, integer: true }),
    learningRate: r.number('learning_rate', 0.1, { min: 0, minExclusive: true }),
    maxDepth: r.number('max_depth', 3, { min: 1, max: 30, integer: true }),
    minSamplesSplit: r.number('min_samples_split', 2, { min: 2, integer: true }),
    minSamplesLeaf: r.number('min_samples_leaf', 1, { min: 1, integer: true }),
    subsample: r.number('subsample', 1, { min: 0, max: 1, minExclusive: true }),
    huberAlpha: r.number('huber_alpha', 0.9, { min: 0, max: 1, minExclusive: true }),
    criterion: r.oneOf('criterion', SPLIT_CRITERIA, 'friedman_mse'),
  };
}

function readLinear(r: ConfigReader): LinearSettings {
  return { ridgeAlpha: r.number('ridge_alpha', 1, { min: 0 }) };
}

function checkVariables(r: ConfigReader, c: TrainingConfig): void {
  for (const name of [...c.features, c.target]) {
    if (name !== c.target && !HOUSE_FIELDS.has(name)) {
      r.problem(
        'features',
        `${JSON.stringify(name)} is not a field of the house records (see data/data_description.txt)`,
      );
    }
  }
  if (c.features.length === 0) r.problem('features', 'must name at least one feature');
  const lists: [string, string[]][] = [
    ['numerical_vars', c.numericalVars],
    ['categorical_vars', c.categoricalVars],
    ['temporal_vars', c.temporalVars],
    ['drop_features', c.dropFeatures],
    ['log_transform_vars', c.logTransformVars],
    ['numerical_na_not_allowed', c.numericalNaNotAllowed],
  ];
  for (const [field, names] of lists) {
    for (const name of names) {
      if (!c.features.includes(name)) r.problem(field, `${JSON.stringify(name)} is not one of the features`);
    }
  }
  if (c.temporalVars.length > 0 && !c.features.includes(c.temporalReference)) {
    r.problem('temporal_reference', `${JSON.stringify(c.temporalReference)} is not one of the features`);
  }
  for (const name of c.features) {
    const handled =
      c.numericalVars.includes(name) ||
      c.categoricalVars.includes(name) ||
      c.numericalNaNotAllowed.includes(name);
    if (!handled) {
      r.problem(
        'features',
        `${JSON.stringify(name)} has no imputer: list it in numerical_vars, categorical_vars or numerical_na_not_allowed`,
      );
    }
    const spec = HOUSE_FIELDS.get(name);
    if (spec?.type === 'string' && !c.categoricalVars.includes(name) && !c.dropFeatures.includes(name)) {
      r.problem(
        'categorical_vars',
        `${JSON.stringify(name)} holds text and must be encoded: add it to categorical_vars`,
      );
    }
  }
}
