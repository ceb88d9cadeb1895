import path from 'node:path';
import test from 'ava';
import Fastify from 'fastify';
import { readPayload } from '../../src/diff/payloads.js';
import { houseRecordJsonSchemaFor, validateRecords } from '../../src/model/index.js';
import { recordsFromBody } from '../../src/serve/body-validator.js';
import { InvalidBodyError } from '../../src/serve/errors.js';
import { predictionsRouteSchema } from '../../src/serve/schemas.js';
import { fuzzCases } from './fuzz-bodies.js';
import { realModel } from './helpers.js';

/** Whether the route's JSON Schema, compiled by fastify exactly as in the app, accepts a body. */
async function schemaChecker(naNotAllowed: readonly string[] | undefined) {
  const app = Fastify({
    ajv: { customOptions: { coerceTypes: false, allErrors: false, removeAdditional: false } },
  });
  app.post(
    '/check',
    {
      schema: { body: predictionsRouteSchema(houseRecordJsonSchemaFor(naNotAllowed), 1000).body },
      attachValidation: true,
    },
    async (request) => ({ valid: request.validationError === undefined }),
  );
  return async (body: string) =>
    (
      await app.inject({
        method: 'POST',
        url: '/check',
        payload: body,
        headers: { 'content-type': 'application/json' },
      })
    ).json().valid as boolean;
}

test('the fast path answers exactly what validateRecords answers, for every body the schema accepts', async (t) => {
  const model = await realModel('course-gbm');
  const validate = (body: unknown) => validateRecords(body, { naNotAllowed: model.naNotAllowed });
  const accepts = await schemaChecker(model.naNotAllowed);
  const data = path.resolve(import.meta.dirname, '../../data');
  const kaggle = [
    ...(await readPayload(path.join(data, 'test.csv'))).records,
    ...(await readPayload(path.join(data, 'train.csv'))).records,
  ];
  const bodies: string[] = [
    JSON.stringify(kaggle),
    '[{"1stFlrSF":100,"FirstFlrSF":100}]',
    '[{"1stFlrSF":100,"FirstFlrSF":200}]',
    '[{"GrLivArea":1e999}]',
    '[{"LotFrontage":1e999}]',
    '[{"GrLivArea":-0,"LotArea":1.0}]',
    '[{"GrLivArea":null}]',
    '[{"Alley":null,"Unknown":{"deep":[1,2]},"Id":3}]',
    '[{"MSZoning":"RL","toString":1,"hasOwnProperty":"x"}]',
  ];
  for (const fuzz of fuzzCases(7, 1500))
    if (fuzz.kind === 'records' || fuzz.kind === 'numbers') bodies.push(fuzz.body);

  let fastPath = 0;
  for (const text of bodies) {
    if (!(await accepts(text))) continue;
    fastPath++;
    const body = JSON.parse(text) as unknown;
    const expected = validate(JSON.parse(text));
    if (expected.ok)
      t.deepEqual(recordsFromBody(body, true, validate, 1000), expected.records, text.slice(0, 200));
    else
      t.throws(
        () => recordsFromBody(body, true, validate, 1000),
        { instanceOf: InvalidBodyError },
        text.slice(0, 200),
      );
  }
  t.log(`${fastPath} of ${bodies.length} bodies took the fast path`);
  t.true(fastPath > 100);
});
