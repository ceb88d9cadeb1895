import { COURSE_NA_NOT_ALLOWED, COURSE_RENAMES, HOUSE_FIELDS, type FieldSpec } from './record-fields.js';
import type { RecordError } from './types.js';

/** A validated house record: known fields only, in the course's spelling. */
export type HouseRecord = Record<string, number | string | null>;

/** The outcome of validating a request body. */
export type ValidationResult = { ok: true; records: HouseRecord[] } | { ok: false; errors: RecordError[] };

/** Options of `validateRecords`. */
export interface ValidateOptions {
  /**
   * Fields whose missing value makes the model leave the record out (the model's
   * `naNotAllowed`; the course's list by default). As in the course, such a record is not
   * refused here: a null in these fields, or in any other non-nullable field of that record,
   * is accepted and the model reports the record in `errors` instead of predicting.
   */
  naNotAllowed?: readonly string[];
}

/**
 * Validates a prediction request body: an array of house records, each checked like the
 * course's `HouseDataInputSchema` (integers, numbers, strings; null only where the schema allows
 * it). Both spellings of the renamed fields are accepted; unknown fields are ignored. Strings are
 * never coerced to numbers.
 */
export function validateRecords(body: unknown, options: ValidateOptions = {}): ValidationResult {
  if (!Array.isArray(body)) {
    return {
      ok: false,
      errors: [{ index: -1, field: '(body)', reason: 'expected an array of house records' }],
    };
  }
  const naNotAllowed = options.naNotAllowed ?? COURSE_NA_NOT_ALLOWED;
  const errors: RecordError[] = [];
  const records: HouseRecord[] = [];
  body.forEach((item, index) => {
    const record = validateRecord(item, index, naNotAllowed, errors);
    if (record) records.push(record);
  });
  return errors.length === 0 ? { ok: true, records } : { ok: false, errors };
}

function validateRecord(
  item: unknown,
  index: number,
  naNotAllowed: readonly string[],
  errors: RecordError[],
): HouseRecord | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    errors.push({ index, field: '(record)', reason: `expected an object, got ${describe(item)}` });
    return undefined;
  }
  const input = item as Record<string, unknown>;
  const record: HouseRecord = {};
  const spelledAs: Record<string, string> = {};
  const before = errors.length;
  for (const [given, value] of Object.entries(input)) {
    const name = COURSE_RENAMES[given] ?? given;
    const spec = HOUSE_FIELDS.get(name);
    if (!spec || value === undefined) continue;
    if (name in record && record[name] !== value) {
      errors.push({
        index,
        field: given,
        reason: `conflicts with ${spelledAs[name]} (same field, two values)`,
      });
      continue;
    }
    const reason = typeProblem(spec, value);
    if (reason) errors.push({ index, field: given, reason });
    else {
      record[name] = value as number | string | null;
      spelledAs[name] = given;
    }
  }
  // The course dropped records with a missing NA-not-allowed value before checking the schema.
  const leftOut = naNotAllowed.some((name) => record[name] === null || record[name] === undefined);
  if (!leftOut) {
    for (const [name, value] of Object.entries(record)) {
      if (value === null && !HOUSE_FIELDS.get(name)!.nullable) {
        errors.push({ index, field: spelledAs[name], reason: 'may not be null' });
      }
    }
  }
  return errors.length === before ? record : undefined;
}

function typeProblem(spec: FieldSpec, value: unknown): string | undefined {
  if (value === null) return undefined;
  switch (spec.type) {
    case 'integer':
      return Number.isInteger(value) ? undefined : `expected an integer, got ${describe(value)}`;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
        ? undefined
        : `expected a number, got ${describe(value)}`;
    case 'string':
      if (typeof value !== 'string') return `expected a string, got ${describe(value)}`;
      // PostgreSQL cannot store U+0000 in text or jsonb: such a record could never be persisted.
      return value.includes('\u0000') ? 'must not contain the NUL character (U+0000)' : undefined;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'number') return `number ${value}`;
  return typeof value;
}
