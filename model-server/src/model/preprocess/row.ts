/** One cell of a data row: a number, a category (string), or missing. */
export type Value = number | string | null;

/** One house as the pipeline sees it: field name (course spelling) -> value. */
export type Row = Record<string, Value>;

/** True for a missing value (null, undefined or NaN). */
export function isMissing(value: Value | undefined): value is null | undefined {
  return value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value));
}
