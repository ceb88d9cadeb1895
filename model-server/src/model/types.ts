import type { TrainingProfile } from './profile.js';

/** A problem with one input record: which record, which field, and why. */
export interface RecordError {
  /** Index of the record in the request's array. */
  index: number;
  /** Field name as the client spelled it (or `(record)` for the record as a whole). */
  field: string;
  reason: string;
}

/** The answer for one batch of records: `predictions[i]` belongs to `records[i]`. */
export interface PredictionBatch {
  /** Predicted sale price in dollars, or null where the record was left out (see `errors`). */
  predictions: (number | null)[];
  /** Records left out of the prediction (missing values in fields where none is allowed). */
  errors: RecordError[];
}

/** Training metrics recorded in the artifact (on the held-out split). */
export interface TrainingMetrics {
  rmse: number;
  rmsle: number;
  r2: number;
  trainRows: number;
  testRows: number;
}

/** A loaded, validated model artifact ready to predict. */
export interface Model {
  readonly name: string;
  readonly version: string;
  /** `gbm` (gradient boosting) or `linear` (the baseline). */
  readonly kind: string;
  /** Input feature names in the course's spelling (after renames). */
  readonly features: readonly string[];
  readonly metrics: TrainingMetrics;
  /** The training profile used by drift checks (see `profile.ts`). */
  readonly profile: TrainingProfile;
  /**
   * Fields whose missing value leaves a record out (pass to `validateRecords` as `naNotAllowed`).
   * Optional in the contract so that stand-in models need not set it; loaded models always do.
   */
  readonly naNotAllowed?: readonly string[];
  /** What this model is (from its training config); set by loaded models. */
  readonly description?: string;
  /** The sha256 the artifact carries over its content; set by loaded models. */
  readonly sha256?: string;
  /**
   * Predicts for already schema-validated records. Never throws for client data: records with
   * missing values in NA-not-allowed fields come back as null with an error entry.
   */
  predict(records: readonly Record<string, unknown>[]): PredictionBatch;
}
