/** How close two predictions must be: |a − b| ≤ max(relative × max(|a|, |b|), absolute). */
export interface Tolerance {
  absolute: number;
  relative: number;
}

/** The outcome for one record that does not match. */
export interface Difference {
  /** Where the record came from, e.g. `test.csv#17`. */
  label: string;
  a: number | null;
  b: number | null;
  absolute: number;
  relative: number;
}

/** Everything a report needs about one comparison. */
export interface Comparison {
  compared: number;
  matching: number;
  /** Records out of tolerance, or predicted by one side and left out by the other. */
  differences: Difference[];
  /** Records both sides left out. */
  bothLeftOut: number;
  maxAbsolute: number;
  maxRelative: number;
  /** Label of the record with the largest absolute difference. */
  worst?: string;
}

/** math.isclose semantics, as the course's differential test used. */
export function withinTolerance(a: number, b: number, tolerance: Tolerance): boolean {
  if (a === b) return true;
  const diff = Math.abs(a - b);
  return diff <= Math.max(tolerance.relative * Math.max(Math.abs(a), Math.abs(b)), tolerance.absolute);
}

/** Compares two aligned prediction lists record by record. */
export function comparePredictions(
  labels: readonly string[],
  a: readonly (number | null)[],
  b: readonly (number | null)[],
  tolerance: Tolerance,
): Comparison {
  if (a.length !== labels.length || b.length !== labels.length) {
    throw new Error(`prediction counts differ: ${a.length} vs ${b.length} for ${labels.length} records`);
  }
  const result: Comparison = {
    compared: labels.length,
    matching: 0,
    differences: [],
    bothLeftOut: 0,
    maxAbsolute: 0,
    maxRelative: 0,
  };
  for (let i = 0; i < labels.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === null && y === null) {
      result.bothLeftOut++;
      result.matching++;
      continue;
    }
    if (x === null || y === null) {
      result.differences.push({ label: labels[i], a: x, b: y, absolute: Infinity, relative: Infinity });
      continue;
    }
    const absolute = Math.abs(x - y);
    const scale = Math.max(Math.abs(x), Math.abs(y));
    const relative = scale === 0 ? 0 : absolute / scale;
    if (absolute > result.maxAbsolute) {
      result.maxAbsolute = absolute;
      result.worst = labels[i];
    }
    result.maxRelative = Math.max(result.maxRelative, relative);
    if (withinTolerance(x, y, tolerance)) result.matching++;
    else result.differences.push({ label: labels[i], a: x, b: y, absolute, relative });
  }
  return result;
}
