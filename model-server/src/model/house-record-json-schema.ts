import { COURSE_NA_NOT_ALLOWED, HOUSE_FIELDS, KAGGLE_SPELLINGS } from './record-fields.js';

/** A JSON Schema (draft-07 subset, as fastify/ajv and OpenAPI use it). */
export type JsonSchema = Record<string, unknown>;

/**
 * JSON Schema of one house record for a route declaration (and its OpenAPI document).
 * Types follow the course's `HouseDataInputSchema`; both spellings of the renamed fields are
 * listed; other properties are allowed and ignored. Fields in `naNotAllowed` accept null too:
 * such a record is not refused, the model leaves it out and reports it. `validateRecords` is the
 * complete check (it also refuses two different values for one field).
 */
export function houseRecordJsonSchemaFor(
  naNotAllowed: readonly string[] = COURSE_NA_NOT_ALLOWED,
): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [name, spec] of HOUSE_FIELDS) {
    const nullable = spec.nullable || naNotAllowed.includes(name);
    const property: JsonSchema = { type: nullable ? [spec.type, 'null'] : spec.type };
    if (!spec.nullable && nullable) property.description = 'null leaves the record out of the prediction';
    properties[name] = property;
    const kaggle = KAGGLE_SPELLINGS[name];
    if (kaggle) properties[kaggle] = { ...property, description: `Kaggle spelling of ${name}` };
  }
  return {
    type: 'object',
    description: 'One house in the Kaggle "House Prices" (Ames) schema; unknown fields are ignored.',
    properties,
    additionalProperties: true,
  };
}

/** The house-record JSON Schema for the course's NA-not-allowed fields. */
export const houseRecordJsonSchema: JsonSchema = houseRecordJsonSchemaFor();

/** JSON Schema of a prediction request body: an array of house records. */
export const houseRecordsJsonSchema: JsonSchema = {
  type: 'array',
  items: houseRecordJsonSchema,
};
