/**
 * Paired comparison of master's and candidate's predictions for the same mirrored request: the
 * online form of a differential test. Pure.
 */

/** Record-by-record result of comparing two prediction arrays. */
export interface PairedComparison {
  /** Records where at least one side predicted (records both sides left out are skipped). */
  compared: number;
  /** Relative differences |c - m| / |m| of records where both sides predicted and it is defined. */
  relativeDifferences: number[];
  /**
   * Records beyond the tolerance, plus records where the difference is undefined: exactly one
   * side predicted, or master predicted 0 and candidate did not.
   */
  mismatched: number;
}

/** Reads `predictions` from a model-server answer body; an Error says why it is unusable. */
export function readPredictions(body: string): (number | null)[] | Error {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch {
    return new Error('body is not JSON');
  }
  const predictions = (doc as { predictions?: unknown } | null)?.predictions;
  if (!Array.isArray(predictions)) return new Error('body has no predictions array');
  for (let i = 0; i < predictions.length; i++) {
    const p = predictions[i];
    if (p !== null && (typeof p !== 'number' || !Number.isFinite(p))) {
      return new Error(`predictions[${i}] is neither a finite number nor null`);
    }
  }
  return predictions as (number | null)[];
}

/**
 * Compares two answers to the same records. Arrays of different lengths cannot be paired and
 * give an Error (the candidate's answer is then counted as invalid, not as a difference).
 */
export function comparePredictions(
  master: readonly (number | null)[],
  candidate: readonly (number | null)[],
  tolerance: number,
): PairedComparison | Error {
  if (master.length !== candidate.length) {
    return new Error(`candidate returned ${candidate.length} predictions for ${master.length} records`);
  }
  const relativeDifferences: number[] = [];
  let compared = 0;
  let mismatched = 0;
  for (let i = 0; i < master.length; i++) {
    const m = master[i];
    const c = candidate[i];
    if (m === null && c === null) continue;
    compared++;
    if (m === null || c === null) {
      mismatched++;
      continue;
    }
    const d = relativeDifference(m, c);
    if (d === undefined) {
      mismatched++;
      continue;
    }
    relativeDifferences.push(d);
    if (d > tolerance) mismatched++;
  }
  return { compared, relativeDifferences, mismatched };
}

/** |c - m| / |m|; 0 when both are 0; undefined when only master is 0. */
export function relativeDifference(m: number, c: number): number | undefined {
  if (m === 0) return c === 0 ? 0 : undefined;
  return Math.abs(c - m) / Math.abs(m);
}
