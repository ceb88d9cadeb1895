import type { ModelArtifact } from './artifact.js';
import { GbmPredictor } from './gbm-predictor.js';
import { LinearPredictor } from './linear-predictor.js';
import { Pipeline } from './preprocess/pipeline.js';
import type { Row, Value } from './preprocess/row.js';
import { HOUSE_FIELDS, KAGGLE_SPELLINGS } from './record-fields.js';
import type { Model, PredictionBatch, RecordError, TrainingMetrics } from './types.js';

/** What turns a row-major matrix of model inputs into raw predictions. */
interface Predictor {
  predictBatch(x: Float64Array, rows: number, out: Float64Array): void;
}

/**
 * A model built from a validated artifact: picks each record's features (either spelling),
 * leaves out records missing an NA-not-allowed value, runs the fitted pipeline, predicts in one
 * batch and undoes the target transform.
 */
export class HouseModel implements Model {
  readonly name: string;
  readonly version: string;
  readonly kind: string;
  readonly description: string;
  readonly features: readonly string[];
  readonly naNotAllowed: readonly string[];
  readonly metrics: TrainingMetrics;
  readonly profile: ModelArtifact['profile'];
  readonly sha256: string;
  private readonly pipeline: Pipeline;
  private readonly inputs: readonly string[];
  private readonly predictor: Predictor;
  /** Trees compare float32 inputs, as scikit-learn's do. */
  private readonly roundToFloat32: boolean;
  private readonly logTarget: boolean;

  constructor(artifact: ModelArtifact) {
    this.name = artifact.name;
    this.version = artifact.version;
    this.kind = artifact.kind;
    this.description = artifact.description;
    this.features = [...artifact.features];
    this.naNotAllowed = [...artifact.naNotAllowed];
    this.metrics = artifact.metrics;
    this.profile = artifact.profile;
    this.sha256 = artifact.sha256;
    this.pipeline = Pipeline.fromParams(artifact.preprocessing.steps);
    this.inputs = artifact.preprocessing.modelInputs;
    const estimator = artifact.estimator;
    this.predictor =
      estimator.type === 'gbm'
        ? new GbmPredictor(estimator, this.inputs.length)
        : new LinearPredictor(estimator, this.inputs.length);
    this.roundToFloat32 = estimator.type === 'gbm';
    this.logTarget = artifact.target.transform === 'log';
  }

  predict(records: readonly Record<string, unknown>[]): PredictionBatch {
    const width = this.inputs.length;
    const matrix = new Float64Array(records.length * width);
    const rowOf = new Int32Array(records.length).fill(-1);
    const errors: RecordError[] = [];
    let rows = 0;
    records.forEach((record, index) => {
      const before = errors.length;
      const row = this.extract(record, index, errors);
      if (errors.length > before || !row) return;
      try {
        this.pipeline.transformRow(row);
        for (let j = 0; j < width; j++) {
          const value = row[this.inputs[j]];
          if (typeof value !== 'number' || Number.isNaN(value))
            throw new Error(`${this.inputs[j]} is not numeric after preprocessing`);
          matrix[rows * width + j] = this.roundToFloat32 ? Math.fround(value) : value;
        }
        rowOf[index] = rows++;
      } catch (error) {
        errors.push({
          index,
          field: '(record)',
          reason: `cannot be prepared for the model: ${(error as Error).message}`,
        });
      }
    });
    const raw = new Float64Array(rows);
    this.predictor.predictBatch(matrix, rows, raw);
    const predictions = records.map((_, index) => {
      if (rowOf[index] < 0) return null;
      const value = this.logTarget ? Math.exp(raw[rowOf[index]]) : raw[rowOf[index]];
      if (Number.isFinite(value)) return value;
      errors.push({ index, field: '(record)', reason: 'the model gave no finite prediction' });
      return null;
    });
    errors.sort((a, b) => a.index - b.index);
    return { predictions, errors };
  }

  /** The record's features as a pipeline row, or errors for missing or mistyped values. */
  private extract(record: Record<string, unknown>, index: number, errors: RecordError[]): Row | undefined {
    if (typeof record !== 'object' || record === null) {
      errors.push({ index, field: '(record)', reason: 'expected an object' });
      return undefined;
    }
    const row: Row = {};
    for (const feature of this.features) {
      const kaggle = KAGGLE_SPELLINGS[feature];
      const given = record[feature] ?? (kaggle ? record[kaggle] : undefined);
      const field =
        record[feature] === undefined && kaggle && record[kaggle] !== undefined ? kaggle : feature;
      const value =
        given === undefined || (typeof given === 'number' && !Number.isFinite(given)) ? null : given;
      const expected = HOUSE_FIELDS.get(feature)?.type === 'string' ? 'string' : 'number';
      if (value !== null && typeof value !== expected) {
        errors.push({ index, field, reason: `expected a ${expected}, got ${typeof value}` });
      } else if (value === null && this.naNotAllowed.includes(feature)) {
        errors.push({
          index,
          field,
          reason: 'missing value: this model allows none here, so the record is left out',
        });
      }
      row[feature] = value as Value;
    }
    return row;
  }
}
