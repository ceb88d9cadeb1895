import { isMissing, type Row } from './row.js';
import type { StepParams, Transformer } from './transformer.js';

/**
 * Fills missing values with the most frequent training value of each variable (scikit-learn's
 * `SimpleImputer(strategy="most_frequent")`; ties go to the smallest value, as there).
 */
export class MostFrequentImputer implements Transformer {
  private fill: Record<string, number | string> = {};

  constructor(readonly variables: readonly string[]) {}

  static fromParams(params: Extract<StepParams, { type: 'most_frequent_imputer' }>): MostFrequentImputer {
    const imputer = new MostFrequentImputer(Object.keys(params.fill));
    imputer.fill = { ...params.fill };
    return imputer;
  }

  fit(rows: readonly Row[]): this {
    this.fill = {};
    for (const variable of this.variables) {
      const counts = new Map<number | string, number>();
      for (const row of rows) {
        const value = row[variable];
        if (!isMissing(value)) counts.set(value, (counts.get(value) ?? 0) + 1);
      }
      if (counts.size === 0)
        throw new Error(`cannot impute ${variable}: it has no value in the training data`);
      let best: number | string | undefined;
      let bestCount = 0;
      for (const [value, count] of counts) {
        if (count > bestCount || (count === bestCount && value < best!)) {
          best = value;
          bestCount = count;
        }
      }
      this.fill[variable] = best!;
    }
    return this;
  }

  transformRow(row: Row): void {
    for (const variable in this.fill) {
      if (isMissing(row[variable])) row[variable] = this.fill[variable];
    }
  }

  params(): StepParams {
    return { type: 'most_frequent_imputer', fill: { ...this.fill } };
  }
}
