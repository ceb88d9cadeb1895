import type { Row } from './row.js';
import type { StepParams, Transformer } from './transformer.js';

/**
 * Replaces each variable by `log(1 + value)` (the course's linear model log-transformed its
 * skewed areas). Negative or missing values become null and must be imputed before.
 */
export class LogTransform implements Transformer {
  constructor(readonly variables: readonly string[]) {}

  static fromParams(params: Extract<StepParams, { type: 'log_transform' }>): LogTransform {
    return new LogTransform(params.variables);
  }

  fit(): this {
    return this;
  }

  transformRow(row: Row): void {
    for (const variable of this.variables) {
      const value = row[variable];
      row[variable] = typeof value === 'number' && value > -1 ? Math.log1p(value) : null;
    }
  }

  params(): StepParams {
    return { type: 'log_transform', variables: [...this.variables] };
  }
}
