import test from 'ava';
import path from 'node:path';
import { houseRecordJsonSchema, houseRecordJsonSchemaFor } from '../../src/model/house-record-json-schema.js';
import { HOUSE_FIELDS } from '../../src/model/record-fields.js';
import { validateRecords } from '../../src/model/validate-records.js';
import { readDataset } from '../../src/train/dataset.js';
import { dataDir } from './helpers.js';

const testFile = () => readDataset(path.join(dataDir, 'test.csv'), {});
const errorsOf = (body: unknown, naNotAllowed?: string[]) => {
  const result = validateRecords(body, { naNotAllowed });
  return result.ok ? [] : result.errors;
};

test('every record of test.csv is valid (Kaggle spellings), normalized to the course spelling', async (t) => {
  const { rows } = await testFile();
  const result = validateRecords(rows);
  t.true(result.ok);
  if (!result.ok) return;
  t.is(result.records.length, 1459);
  t.is(result.records[0].FirstFlrSF, 896);
  t.false('1stFlrSF' in result.records[0]);
  t.is(result.records[0].Alley, null);
});

test('a wrong type is reported with index, field and reason (the course test: BldgType = 50)', async (t) => {
  const { rows } = await testFile();
  rows[1].BldgType = 50;
  t.deepEqual(errorsOf(rows), [{ index: 1, field: 'BldgType', reason: 'expected a string, got number 50' }]);
});

test('numbers are not coerced from strings; integers must be integral', (t) => {
  t.deepEqual(errorsOf([{ GrLivArea: '1500' }]), [
    { index: 0, field: 'GrLivArea', reason: 'expected an integer, got string "1500"' },
  ]);
  t.deepEqual(errorsOf([{ GrLivArea: 1500.5 }]), [
    { index: 0, field: 'GrLivArea', reason: 'expected an integer, got number 1500.5' },
  ]);
  t.deepEqual(errorsOf([{ LotFrontage: 65.5, GrLivArea: 1500 }]), []);
  t.deepEqual(errorsOf([{ LotFrontage: true }]), [
    { index: 0, field: 'LotFrontage', reason: 'expected a number, got boolean' },
  ]);
});

test('null only where the schema allows it, or in a field that leaves the record out', (t) => {
  t.deepEqual(errorsOf([{ Alley: null, LotFrontage: null }], []), []);
  t.deepEqual(errorsOf([{ Neighborhood: null }], []), [
    { index: 0, field: 'Neighborhood', reason: 'may not be null' },
  ]);
  // GarageArea may not be null, but a record missing an NA-not-allowed field (GarageCars) is left
  // out by the model instead, so its other nulls are not reported (the course dropped it first).
  // An absent field counts as missing.
  const cars = ['GarageCars'];
  t.deepEqual(errorsOf([{ GarageCars: null, GarageArea: null }], cars), []);
  t.deepEqual(errorsOf([{ GarageArea: null }], cars), []);
  t.deepEqual(errorsOf([{ GarageCars: 2, GarageArea: null }], cars), [
    { index: 0, field: 'GarageArea', reason: 'may not be null' },
  ]);
  t.deepEqual(errorsOf([{ GarageCars: 2, GarageArea: null }], ['GarageCars', 'GarageArea']), []);
});

test('both spellings of the renamed fields are accepted; two different values are not', (t) => {
  const result = validateRecords([{ '1stFlrSF': 900, SecondFlrSF: 10, '3SsnPorch': 0 }]);
  t.deepEqual(result, { ok: true, records: [{ FirstFlrSF: 900, SecondFlrSF: 10, ThreeSsnPortch: 0 }] });
  t.deepEqual(errorsOf([{ '1stFlrSF': 900, FirstFlrSF: 900 }]), []);
  t.deepEqual(errorsOf([{ '1stFlrSF': 900, FirstFlrSF: 901 }]), [
    { index: 0, field: 'FirstFlrSF', reason: 'conflicts with 1stFlrSF (same field, two values)' },
  ]);
  t.deepEqual(errorsOf([{ '2ndFlrSF': 'big' }]), [
    { index: 0, field: '2ndFlrSF', reason: 'expected an integer, got string "big"' },
  ]);
});

test('unknown fields are ignored; the body must be an array of objects', (t) => {
  t.deepEqual(validateRecords([{ Colour: 'blue', GrLivArea: 1000 }]), {
    ok: true,
    records: [{ GrLivArea: 1000 }],
  });
  t.deepEqual(errorsOf({ GrLivArea: 1 }), [
    { index: -1, field: '(body)', reason: 'expected an array of house records' },
  ]);
  t.deepEqual(errorsOf([7, null]), [
    { index: 0, field: '(record)', reason: 'expected an object, got number 7' },
    { index: 1, field: '(record)', reason: 'expected an object, got null' },
  ]);
  t.deepEqual(validateRecords([]), { ok: true, records: [] });
});

test('the JSON Schema lists every field in both spellings with the course types', (t) => {
  const properties = houseRecordJsonSchema.properties as Record<string, { type: unknown }>;
  t.is(Object.keys(properties).length, HOUSE_FIELDS.size + 3);
  t.deepEqual(properties.BldgType.type, 'string');
  t.deepEqual(properties.Alley.type, ['string', 'null']);
  t.deepEqual(properties.LotArea.type, ['integer', 'null'], 'NA-not-allowed: null leaves the record out');
  t.deepEqual(properties['1stFlrSF'].type, ['integer', 'null']);
  t.deepEqual(properties.GarageArea.type, 'number');
  t.deepEqual((houseRecordJsonSchemaFor(['GarageArea']).properties as typeof properties).GarageArea.type, [
    'number',
    'null',
  ]);
  t.is(houseRecordJsonSchema.additionalProperties, true);
});
