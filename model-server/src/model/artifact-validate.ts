import { ARTIFACT_FORMAT_VERSION, type ModelArtifact, type TreeArrays } from './artifact.js';
import { artifactDigest } from './artifact-digest.js';

/** An artifact that cannot be used: unreadable, of another format, inconsistent or corrupt. */
export class ArtifactError extends Error {
  constructor(
    readonly source: string,
    reason: string,
  ) {
    super(`model artifact ${source}: ${reason}`);
    this.name = 'ArtifactError';
  }
}

const STEP_TYPES = [
  'most_frequent_imputer',
  'categorical_imputer',
  'temporal_variable',
  'log_transform',
  'rare_label_encoder',
  'ordinal_encoder',
  'drop_features',
];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumbers = (v: unknown): v is number[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/**
 * Checks that `json` is a complete, self-consistent artifact of this format version whose
 * content matches its sha256; returns it typed, or throws `ArtifactError` saying what is wrong.
 */
export function validateArtifact(json: unknown, source = 'artifact'): ModelArtifact {
  const fail = (reason: string): never => {
    throw new ArtifactError(source, reason);
  };
  if (!isObject(json)) return fail('expected a JSON object');
  if (json.formatVersion !== ARTIFACT_FORMAT_VERSION) {
    fail(
      `unsupported formatVersion ${JSON.stringify(json.formatVersion)} (this model-server reads ${ARTIFACT_FORMAT_VERSION})`,
    );
  }
  for (const field of ['name', 'version', 'sha256']) {
    if (typeof json[field] !== 'string' || json[field] === '')
      fail(`field ${field} must be a non-empty string`);
  }
  if (artifactDigest(json) !== json.sha256)
    fail('content does not match its sha256 (the file is corrupt or was edited)');
  if (json.kind !== 'gbm' && json.kind !== 'linear')
    fail(`field kind must be gbm or linear, got ${JSON.stringify(json.kind)}`);
  if (!isStrings(json.features) || json.features.length === 0)
    fail('field features must be a non-empty list of names');
  if (!isStrings(json.naNotAllowed)) fail('field naNotAllowed must be a list of names');
  const target = json.target as Json;
  if (
    !isObject(target) ||
    typeof target.name !== 'string' ||
    (target.transform !== 'none' && target.transform !== 'log')
  ) {
    fail('field target must be {name, transform: none|log}');
  }
  if (
    !isObject(json.metrics) ||
    !['rmse', 'rmsle', 'r2'].every((k) => typeof (json.metrics as Json)[k] === 'number')
  ) {
    fail('field metrics must hold numbers rmse, rmsle and r2');
  }
  const profile = json.profile as Json;
  if (!isObject(profile) || !isObject(profile.features) || !isObject(profile.prediction)) {
    fail('field profile must hold features and prediction');
  }
  const inputs = checkPreprocessing(json.preprocessing, fail);
  checkEstimator(json.kind as string, json.estimator, inputs, fail);
  return json as unknown as ModelArtifact;
}

function checkPreprocessing(value: unknown, fail: (reason: string) => never): number {
  if (!isObject(value)) return fail('field preprocessing is missing');
  if (!isObject(value.renames)) fail('field preprocessing.renames must be a mapping');
  if (!isStrings(value.modelInputs) || value.modelInputs.length === 0)
    fail('field preprocessing.modelInputs must list the estimator inputs');
  if (!Array.isArray(value.steps)) fail('field preprocessing.steps must be a list');
  (value.steps as unknown[]).forEach((step, i) => {
    if (!isObject(step) || !STEP_TYPES.includes(step.type as string)) {
      fail(
        `preprocessing.steps[${i}] has an unknown type ${JSON.stringify(isObject(step) ? step.type : step)}`,
      );
    }
    const needs: Record<string, string> = {
      most_frequent_imputer: 'fill',
      rare_label_encoder: 'frequent',
      ordinal_encoder: 'mapping',
    };
    const key = needs[step.type as string];
    if (key && !isObject(step[key])) fail(`preprocessing.steps[${i}] (${step.type}) lacks its ${key}`);
    if (!key && !isStrings(step.variables))
      fail(`preprocessing.steps[${i}] (${step.type}) lacks its variables`);
  });
  return (value.modelInputs as string[]).length;
}

function checkEstimator(kind: string, value: unknown, inputs: number, fail: (reason: string) => never): void {
  if (!isObject(value)) return fail('field estimator is missing');
  if (kind === 'gbm') {
    if (value.type !== 'gbm') fail(`kind gbm needs a gbm estimator, got ${JSON.stringify(value.type)}`);
    if (typeof value.init !== 'number' || typeof value.learningRate !== 'number')
      fail('estimator needs numbers init and learningRate');
    if (!Array.isArray(value.trees) || value.trees.length === 0)
      fail('estimator.trees must be a non-empty list');
    (value.trees as unknown[]).forEach((tree, t) => {
      const problem = treeProblem(tree, inputs);
      if (problem) fail(`estimator.trees[${t}]: ${problem}`);
    });
    return;
  }
  if (value.type !== 'ridge') fail(`kind linear needs a ridge estimator, got ${JSON.stringify(value.type)}`);
  for (const key of ['coefficients', 'means', 'scales']) {
    const list = value[key];
    if (!isNumbers(list) || list.length !== inputs) fail(`estimator.${key} must hold ${inputs} numbers`);
  }
  if (typeof value.intercept !== 'number') fail('estimator.intercept must be a number');
  if ((value.scales as number[]).some((s) => s <= 0)) fail('estimator.scales must be positive');
}

/** Why `tree` is not a well-formed tree over `inputs` features (children after parents, in range). */
function treeProblem(tree: unknown, inputs: number): string | undefined {
  if (!isObject(tree)) return 'not an object';
  const t = tree as unknown as TreeArrays;
  const keys = ['feature', 'threshold', 'left', 'right', 'value'] as const;
  if (!keys.every((k) => Array.isArray(t[k]) && t[k].length === t.value.length))
    return 'arrays missing or of unequal length';
  if (t.value.length === 0) return 'no nodes';
  if (!isNumbers(t.value) || !isNumbers(t.left) || !isNumbers(t.right) || !isNumbers(t.feature))
    return 'non-numeric entries';
  if (!t.threshold.every((x) => typeof x === 'number' && !Number.isNaN(x))) return 'non-numeric thresholds';
  for (let i = 0; i < t.value.length; i++) {
    const leaf = t.left[i] === -1;
    if (leaf !== (t.right[i] === -1)) return `node ${i} has one child`;
    if (leaf) continue;
    if (!Number.isInteger(t.feature[i]) || t.feature[i] < 0 || t.feature[i] >= inputs)
      return `node ${i} splits on unknown feature ${t.feature[i]}`;
    for (const child of [t.left[i], t.right[i]]) {
      if (!Number.isInteger(child) || child <= i || child >= t.value.length)
        return `node ${i} has child ${child} out of order`;
    }
  }
  return undefined;
}
