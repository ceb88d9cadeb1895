import test from 'ava';
import path from 'node:path';
import { ConfigError, loadTrainingConfig, parseTrainingConfig } from '../../src/train/config.js';
import { configDir, configPath } from './helpers.js';

const VALID = `
name: house-price
version: 0.1.0
kind: gbm
target: SalePrice
drop_features: YrSold
variables_to_rename:
  1stFlrSF: FirstFlrSF
features: [LotArea, BsmtQual, 1stFlrSF, YrSold]
numerical_vars: [LotArea, 1stFlrSF]
categorical_vars: [BsmtQual]
temporal_vars: []
numerical_na_not_allowed: [LotArea, YrSold]
test_size: 0.1
random_state: 0
n_estimators: 50
rare_label_tol: 0.01
rare_label_n_categories: 5
loss: ls
allowed_loss_functions: [ls, huber]
`;

const parse = (text: string) => parseTrainingConfig(text, 'test.yml', configDir);
const problems = (text: string): string[] => {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.field}: ${p.message}`);
    throw error;
  }
  return [];
};

test('a valid config parses, renames features and resolves data paths', (t) => {
  const config = parse(VALID);
  t.deepEqual(config.features, ['LotArea', 'BsmtQual', 'FirstFlrSF', 'YrSold']);
  t.deepEqual(config.numericalVars, ['LotArea', 'FirstFlrSF']);
  t.deepEqual(config.dropFeatures, ['YrSold']);
  t.is(config.gbm?.nEstimators, 50);
  t.is(config.gbm?.learningRate, 0.1);
  t.is(config.gbm?.maxDepth, 3);
  t.is(config.trainingDataFile, path.resolve(configDir, '../data/train.csv'));
});

test('a loss outside the allowed set is refused with the allowed set named (as the course did)', (t) => {
  const text = VALID.replace('allowed_loss_functions: [ls, huber]', 'allowed_loss_functions: [huber]');
  t.deepEqual(problems(text), ['loss: "ls" is not in the allowed set [huber]']);
  t.regex(
    problems(VALID.replace('loss: ls', 'loss: lad')).join(),
    /loss: "lad" is not in the allowed set \[ls, huber\]/,
  );
});

test('an allowed loss the trainer does not offer is refused', (t) => {
  t.regex(
    problems(VALID.replace('[ls, huber]', '[ls, quantile]')).join(),
    /allowed_loss_functions: "quantile" is not a loss/,
  );
});

test('missing, mistyped, out-of-range and unknown fields are each named', (t) => {
  const text = VALID.replace('test_size: 0.1', 'test_size: 1.5')
    .replace('n_estimators: 50', 'n_estimators: many')
    .replace('random_state: 0\n', '')
    .concat('learning_rat: 0.1\n');
  const found = problems(text);
  t.true(found.includes('test_size: 1.5 is out of range (must be > 0 and <= 1)'), found.join('\n'));
  t.true(found.includes('n_estimators: expected an integer, got "many"'));
  t.true(found.includes('random_state: is required (an integer)'));
  t.true(found.some((p) => p.startsWith('learning_rat: unknown field (allowed: ')));
});

test('variables must be features, features must be house fields and have an imputer', (t) => {
  const found = problems(
    VALID.replace('numerical_vars: [LotArea, 1stFlrSF]', 'numerical_vars: [LotArea, GrLivArea]').replace(
      'features: [LotArea, BsmtQual, 1stFlrSF, YrSold]',
      'features: [LotArea, BsmtQual, 1stFlrSF, YrSold, Colour]',
    ),
  );
  t.true(found.includes('numerical_vars: "GrLivArea" is not one of the features'), found.join('\n'));
  t.true(found.some((p) => p.startsWith('features: "Colour" is not a field of the house records')));
  t.true(found.some((p) => p.startsWith('features: "FirstFlrSF" has no imputer')));
});

test('text features must be encoded', (t) => {
  const found = problems(VALID.replace('categorical_vars: [BsmtQual]', 'categorical_vars: []'));
  t.true(
    found.some((p) => p.startsWith('categorical_vars: "BsmtQual" holds text')),
    found.join('\n'),
  );
});

test('invalid YAML is reported as such', (t) => {
  const error = t.throws(() => parse('name: [unclosed'), { instanceOf: ConfigError });
  t.regex(error!.message, /\(file\): not valid YAML/);
});

test('every shipped config is valid, with the documented versions', async (t) => {
  const versions: Record<string, string> = {
    'course-gbm': '0.1.0',
    'linear-baseline': '1.0.0',
    'default-gbm': '2.0.0',
    'bad-gbm': '3.0.0',
  };
  for (const [name, version] of Object.entries(versions)) {
    const config = await loadTrainingConfig(configPath(name));
    t.is(config.version, version, name);
    t.is(config.name, 'house-price');
  }
  const course = await loadTrainingConfig(configPath('course-gbm'));
  t.is(course.features.length, 11); // 10 model inputs + YrSold for the temporal variable
  t.is(course.gbm?.loss, 'ls');
  t.is(course.testSize, 0.1);
  t.is(course.rareLabelTol, 0.01);
  t.is(course.rareLabelNCategories, 5);
  t.deepEqual(course.variablesToRename, {
    '1stFlrSF': 'FirstFlrSF',
    '2ndFlrSF': 'SecondFlrSF',
    '3SsnPorch': 'ThreeSsnPortch',
  });
});
