import { isMissing, type Row } from './row.js';
import type { OrdinalMethod, StepParams, Transformer } from './transformer.js';

/** The code given to a category that was not seen in training (and to a missing value). */
export const UNKNOWN_CATEGORY_CODE = -1;

/**
 * Replaces each category by an integer code. `alphabetical` numbers the training categories in
 * sorted order (scikit-learn's `OrdinalEncoder`, which the course's gradient-boosting pipeline
 * used); `ordered` numbers them by increasing mean target (feature_engine's `ordered` encoding).
 * Unseen categories get `UNKNOWN_CATEGORY_CODE` instead of an error, so a prediction never fails
 * on a new label: trees send it to the side of the lowest code.
 */
export class OrdinalEncoder implements Transformer {
  private mapping = new Map<string, Map<string, number>>();

  constructor(
    readonly variables: readonly string[],
    readonly method: OrdinalMethod = 'alphabetical',
  ) {}

  static fromParams(params: Extract<StepParams, { type: 'ordinal_encoder' }>): OrdinalEncoder {
    const encoder = new OrdinalEncoder(Object.keys(params.mapping), params.method);
    for (const [variable, codes] of Object.entries(params.mapping)) {
      encoder.mapping.set(variable, new Map(Object.entries(codes)));
    }
    return encoder;
  }

  fit(rows: readonly Row[], target: Float64Array): this {
    this.mapping.clear();
    for (const variable of this.variables) {
      const sums = new Map<string, { sum: number; count: number }>();
      rows.forEach((row, i) => {
        const value = row[variable];
        if (isMissing(value)) return;
        const entry = sums.get(String(value)) ?? { sum: 0, count: 0 };
        entry.sum += target[i];
        entry.count++;
        sums.set(String(value), entry);
      });
      const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
      const labels = [...sums.keys()].sort(byName);
      if (this.method === 'ordered') {
        const mean = (label: string) => sums.get(label)!.sum / sums.get(label)!.count;
        labels.sort((a, b) => mean(a) - mean(b) || byName(a, b));
      }
      this.mapping.set(variable, new Map(labels.map((label, code) => [label, code])));
    }
    return this;
  }

  transformRow(row: Row): void {
    for (const [variable, codes] of this.mapping) {
      const value = row[variable];
      row[variable] = isMissing(value)
        ? UNKNOWN_CATEGORY_CODE
        : (codes.get(String(value)) ?? UNKNOWN_CATEGORY_CODE);
    }
  }

  params(): StepParams {
    const mapping: Record<string, Record<string, number>> = {};
    for (const [variable, codes] of this.mapping) mapping[variable] = Object.fromEntries(codes);
    return { type: 'ordinal_encoder', method: this.method, mapping, unknownCode: UNKNOWN_CATEGORY_CODE };
  }
}
