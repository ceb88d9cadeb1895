import type { Row } from './row.js';
import type { StepParams, Transformer } from './transformer.js';

/** Removes variables the estimator must not see (the course drops YrSold after using it). */
export class DropFeatures implements Transformer {
  constructor(readonly variables: readonly string[]) {}

  static fromParams(params: Extract<StepParams, { type: 'drop_features' }>): DropFeatures {
    return new DropFeatures(params.variables);
  }

  fit(): this {
    return this;
  }

  transformRow(row: Row): void {
    for (const variable of this.variables) delete row[variable];
  }

  params(): StepParams {
    return { type: 'drop_features', variables: [...this.variables] };
  }
}
