import { HOUSE_FIELDS, KAGGLE_SPELLINGS } from '../model/index.js';

/** Kaggle spelling -> the course's name, for the renamed fields. */
const COURSE_NAME: ReadonlyMap<string, string> = new Map(
  Object.entries(KAGGLE_SPELLINGS).map(([course, kaggle]) => [kaggle, course]),
);

/**
 * The fast path for a record the route's JSON Schema has accepted: the same record
 * `validateRecords` answers (known fields only, course spelling, in input order), or undefined
 * when the record needs the full check (two spellings of one field with different values, or a
 * string holding U+0000, which the full check refuses).
 * A test keeps the two equal over the Kaggle files and the fuzz corpus.
 */
export function normalizeRecord(input: Record<string, unknown>): Record<string, unknown> | undefined {
  const record: Record<string, unknown> = {};
  for (const given in input) {
    const value = input[given];
    if (value === undefined) continue;
    const name = COURSE_NAME.get(given) ?? given;
    if (!HOUSE_FIELDS.has(name)) continue;
    const previous = record[name];
    if (previous !== undefined && previous !== value) return undefined;
    if (typeof value === 'string' && value.includes('\u0000')) return undefined;
    record[name] = value;
  }
  return record;
}
