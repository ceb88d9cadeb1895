import type { Row } from './row.js';

/**
 * One fitted or fittable pipeline step, in the manner of a scikit-learn transformer: `fit`
 * learns parameters from training rows (and the target), `transformRow` applies them to one row
 * in place, `params` returns the learned parameters as plain JSON for the artifact.
 */
export interface Transformer {
  /** Learns this step's parameters from the training rows (already transformed by the steps before). */
  fit(rows: readonly Row[], target: Float64Array): this;
  /** Applies the step to one row, in place. Must not throw for any input value. */
  transformRow(row: Row): void;
  /** The fitted parameters, JSON-serializable, tagged with the step type. */
  params(): StepParams;
}

/** Applies a fitted step to copies of `rows` (the rows given are left untouched). */
export function transformRows(step: Transformer, rows: readonly Row[]): Row[] {
  return rows.map((row) => {
    const copy = { ...row };
    step.transformRow(copy);
    return copy;
  });
}

/** Serialized parameters of every kind of step (the `preprocessing.steps` of an artifact). */
export type StepParams =
  | { type: 'most_frequent_imputer'; fill: Record<string, number | string> }
  | { type: 'categorical_imputer'; variables: string[]; fill: string }
  | { type: 'temporal_variable'; variables: string[]; reference: string }
  | { type: 'log_transform'; variables: string[] }
  | {
      type: 'rare_label_encoder';
      tol: number;
      nCategories: number;
      frequent: Record<string, string[]>;
      replaceWith: string;
    }
  | {
      type: 'ordinal_encoder';
      method: OrdinalMethod;
      mapping: Record<string, Record<string, number>>;
      unknownCode: number;
    }
  | { type: 'drop_features'; variables: string[] };

/** How the ordinal encoder numbers categories: sorted by name (scikit-learn) or by mean target. */
export type OrdinalMethod = 'alphabetical' | 'ordered';
