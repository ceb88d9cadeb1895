import { isMissing, type Row } from './row.js';
import type { StepParams, Transformer } from './transformer.js';

/**
 * Groups infrequent categories under one label (feature_engine's `RareLabelEncoder`, as the
 * course used it): a variable with more than `nCategories` distinct training categories keeps
 * those seen in at least `tol` of the rows; one with fewer keeps all its training categories.
 * Anything else, including categories never seen in training, becomes `Rare`.
 */
export class RareLabelEncoder implements Transformer {
  private frequent = new Map<string, Set<string>>();

  constructor(
    readonly variables: readonly string[],
    readonly tol = 0.01,
    readonly nCategories = 5,
    readonly replaceWith = 'Rare',
  ) {}

  static fromParams(params: Extract<StepParams, { type: 'rare_label_encoder' }>): RareLabelEncoder {
    const encoder = new RareLabelEncoder(
      Object.keys(params.frequent),
      params.tol,
      params.nCategories,
      params.replaceWith,
    );
    for (const [variable, labels] of Object.entries(params.frequent))
      encoder.frequent.set(variable, new Set(labels));
    return encoder;
  }

  fit(rows: readonly Row[]): this {
    this.frequent.clear();
    for (const variable of this.variables) {
      const counts = new Map<string, number>();
      let total = 0;
      for (const row of rows) {
        const value = row[variable];
        if (isMissing(value)) continue;
        counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
        total++;
      }
      const labels = [...counts.entries()]
        .filter(([, count]) => counts.size <= this.nCategories || count / total >= this.tol)
        .sort(([a, ca], [b, cb]) => cb - ca || (a < b ? -1 : a > b ? 1 : 0))
        .map(([label]) => label);
      this.frequent.set(variable, new Set(labels));
    }
    return this;
  }

  /** The labels kept for `variable` (most frequent first). */
  frequentLabels(variable: string): string[] {
    return [...(this.frequent.get(variable) ?? [])];
  }

  transformRow(row: Row): void {
    for (const [variable, labels] of this.frequent) {
      const value = row[variable];
      if (!isMissing(value) && !labels.has(String(value))) row[variable] = this.replaceWith;
    }
  }

  params(): StepParams {
    const frequent: Record<string, string[]> = {};
    for (const [variable, labels] of this.frequent) frequent[variable] = [...labels];
    return {
      type: 'rare_label_encoder',
      tol: this.tol,
      nCategories: this.nCategories,
      frequent,
      replaceWith: this.replaceWith,
    };
  }
}
