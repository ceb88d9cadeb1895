import type { AssessmentScope } from './types.js';

/** How often each distinct present value of one input field occurred, and how often it was missing. */
export interface LiveFeatureCounts {
  /** Decoded JSON value (number or string) -> rows. */
  values: Map<number | string | boolean, number>;
  /** Rows where the field was absent or null. */
  missing: number;
}

/** What the store holds for one scope, aggregated for comparison with a training profile. */
export interface LiveData {
  /** Stored predictions (records) in scope. */
  rows: number;
  features: Map<string, LiveFeatureCounts>;
  /** Predicted price -> rows, for records the model answered. */
  predictions: Map<number, number>;
}

/** Candidate and master predictions for the same records (shadow mode), in pair order. */
export interface ShadowPairs {
  /** The master version most of the pairs were answered by. */
  masterVersion: string;
  master: Float64Array;
  candidate: Float64Array;
}

/** Reads stored predictions for assessment. */
export interface PredictionStoreReader {
  /** Aggregates inputs and predictions of the scope, per profiled feature. */
  readLive(scope: AssessmentScope, features: readonly string[]): Promise<LiveData>;
  /**
   * Pairs the scope's candidate predictions with the master's for the same request and record
   * position; null when the scope's variant is not `candidate` or no master row matches.
   */
  readShadowPairs(scope: AssessmentScope): Promise<ShadowPairs | null>;
  close(): Promise<void>;
}
