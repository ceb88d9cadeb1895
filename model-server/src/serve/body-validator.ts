import type { RecordError } from '../model/types.js';
import { InvalidBodyError, type ErrorDetail } from './errors.js';
import { normalizeRecord } from './record-normalizer.js';

/** What the model package's `validateRecords` answers. */
export type RecordValidation =
  { ok: true; records: Record<string, unknown>[] } | { ok: false; errors: RecordError[] };

/** Checks one request body of house records (shape, types, allowed values). */
export type ValidateRecords = (body: unknown) => RecordValidation;

/** How many record errors a 400 answer lists at most (a huge bad batch must not make a huge answer). */
export const MAX_ERROR_DETAILS = 100;

/**
 * The records of a predictions request, normalised as `validateRecords` does, or an
 * InvalidBodyError listing record index, field and reason. `schemaValid` tells whether the
 * route's compiled JSON Schema accepted the body: then a cheap normalisation suffices. Otherwise
 * (and for the rare record the fast path cannot decide) the model's own validator gives the
 * verdict and the details, since it is more lenient in one case (nulls in a record the model
 * leaves out anyway) and explains every bad record.
 */
export function recordsFromBody(
  body: unknown,
  schemaValid: boolean,
  validateRecords: ValidateRecords,
  maxRecords: number,
): Record<string, unknown>[] {
  if (schemaValid && Array.isArray(body)) {
    const records = new Array<Record<string, unknown>>(body.length);
    let i = 0;
    for (; i < body.length; i++) {
      const record = normalizeRecord(body[i] as Record<string, unknown>);
      if (record === undefined) break;
      records[i] = record;
    }
    if (i === body.length) return records;
  }
  if (!Array.isArray(body)) throw invalid('body must be a JSON array of house records', 'must be an array');
  if (body.length === 0) throw invalid('body holds no records', 'must hold at least one record');
  if (body.length > maxRecords) {
    throw invalid(
      `too many records: ${body.length} (at most ${maxRecords} per request)`,
      `must hold at most ${maxRecords} records`,
    );
  }
  const result = validateRecords(body);
  if (result.ok) return result.records;
  const details: ErrorDetail[] = result.errors.slice(0, MAX_ERROR_DETAILS);
  const more = result.errors.length - details.length;
  if (more > 0) details.push({ index: null, field: '(body)', reason: `${more} more errors not listed` });
  const summary =
    describe(details[0]) + (result.errors.length > 1 ? ` (and ${result.errors.length - 1} more)` : '');
  return throwing(new InvalidBodyError(`invalid records: ${summary}`, details));
}

function throwing(error: Error): never {
  throw error;
}

function describe(error: ErrorDetail | undefined): string {
  return error === undefined ? 'rejected' : `record ${error.index}, ${error.field}: ${error.reason}`;
}

function invalid(message: string, reason: string): InvalidBodyError {
  return new InvalidBodyError(message, [{ index: null, field: '(body)', reason }]);
}
