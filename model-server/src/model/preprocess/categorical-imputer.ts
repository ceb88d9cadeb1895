import { isMissing, type Row } from './row.js';
import type { StepParams, Transformer } from './transformer.js';

/**
 * Replaces missing categories with a constant label (`missing`), as the course's categorical
 * imputer, and turns coded categories (e.g. MSSubClass 20) into labels ("20") for the encoders.
 */
export class CategoricalImputer implements Transformer {
  constructor(
    readonly variables: readonly string[],
    readonly fillValue = 'missing',
  ) {}

  static fromParams(params: Extract<StepParams, { type: 'categorical_imputer' }>): CategoricalImputer {
    return new CategoricalImputer(params.variables, params.fill);
  }

  fit(): this {
    return this;
  }

  transformRow(row: Row): void {
    for (const variable of this.variables) {
      const value = row[variable];
      row[variable] = isMissing(value) ? this.fillValue : String(value);
    }
  }

  params(): StepParams {
    return { type: 'categorical_imputer', variables: [...this.variables], fill: this.fillValue };
  }
}
