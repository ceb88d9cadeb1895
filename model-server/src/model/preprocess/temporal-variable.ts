import type { Row } from './row.js';
import type { StepParams, Transformer } from './transformer.js';

/**
 * Turns each year variable into an elapsed time: `reference - variable` (the course's
 * `TemporalVariableEstimator`, e.g. YearRemodAdd := YrSold - YearRemodAdd).
 */
export class TemporalVariable implements Transformer {
  constructor(
    readonly variables: readonly string[],
    readonly reference: string,
  ) {}

  static fromParams(params: Extract<StepParams, { type: 'temporal_variable' }>): TemporalVariable {
    return new TemporalVariable(params.variables, params.reference);
  }

  fit(): this {
    return this;
  }

  transformRow(row: Row): void {
    const reference = row[this.reference];
    for (const variable of this.variables) {
      const value = row[variable];
      row[variable] = typeof reference === 'number' && typeof value === 'number' ? reference - value : null;
    }
  }

  params(): StepParams {
    return { type: 'temporal_variable', variables: [...this.variables], reference: this.reference };
  }
}
