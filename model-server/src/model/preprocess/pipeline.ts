import { CategoricalImputer } from './categorical-imputer.js';
import { DropFeatures } from './drop-features.js';
import { LogTransform } from './log-transform.js';
import { MostFrequentImputer } from './most-frequent-imputer.js';
import { OrdinalEncoder } from './ordinal-encoder.js';
import { RareLabelEncoder } from './rare-label-encoder.js';
import type { Row } from './row.js';
import { TemporalVariable } from './temporal-variable.js';
import { transformRows, type StepParams, type Transformer } from './transformer.js';

/** A sequence of transformers fitted one after the other, like a scikit-learn `Pipeline`. */
export class Pipeline {
  constructor(readonly steps: readonly Transformer[]) {}

  /** Rebuilds a fitted pipeline from artifact parameters. */
  static fromParams(params: readonly StepParams[]): Pipeline {
    return new Pipeline(params.map(stepFromParams));
  }

  /** Fits every step on the output of the steps before it; returns the transformed rows. */
  fitTransform(rows: readonly Row[], target: Float64Array): Row[] {
    let current: Row[] = rows.map((row) => ({ ...row }));
    for (const step of this.steps) {
      step.fit(current, target);
      current = transformRows(step, current);
    }
    return current;
  }

  /** Transforms copies of `rows`. */
  transform(rows: readonly Row[]): Row[] {
    return rows.map((row) => this.transformRow({ ...row }));
  }

  /** Transforms one row in place and returns it. */
  transformRow(row: Row): Row {
    for (const step of this.steps) step.transformRow(row);
    return row;
  }

  params(): StepParams[] {
    return this.steps.map((step) => step.params());
  }
}

function stepFromParams(params: StepParams): Transformer {
  switch (params.type) {
    case 'most_frequent_imputer':
      return MostFrequentImputer.fromParams(params);
    case 'categorical_imputer':
      return CategoricalImputer.fromParams(params);
    case 'temporal_variable':
      return TemporalVariable.fromParams(params);
    case 'log_transform':
      return LogTransform.fromParams(params);
    case 'rare_label_encoder':
      return RareLabelEncoder.fromParams(params);
    case 'ordinal_encoder':
      return OrdinalEncoder.fromParams(params);
    case 'drop_features':
      return DropFeatures.fromParams(params);
  }
}
