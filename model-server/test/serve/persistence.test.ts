import test from 'ava';
import { waitFor } from '../../../test/cluster/index.js';
import { query, sharedPostgresUrl, tempDir, uniqueSchema } from '../store/pg-helpers.js';
import { realModel, storeBackedServer, testRecords } from './helpers.js';

test('every prediction is stored with its request id, model, version, variant, inputs and outputs', async (t) => {
  const url = await sharedPostgresUrl();
  const schema = uniqueSchema('persist');
  const model = await realModel();
  const { app, writer } = await storeBackedServer({
    url,
    schema,
    journalDir: await tempDir('persist-journal'),
    model,
    variant: 'candidate',
  });
  const sent: { requestId: string; records: Record<string, unknown>[]; predictions: (number | null)[] }[] =
    [];
  const houses = await testRecords();
  for (let i = 0; i < 20; i++) {
    const records = houses.slice(i * 3, i * 3 + 1 + (i % 3));
    const response = await app.inject({
      method: 'POST',
      url: '/v1/predictions',
      payload: records,
      headers: { 'x-request-id': `persist-${i}` },
    });
    t.is(response.statusCode, 200);
    sent.push({ requestId: `persist-${i}`, records, predictions: response.json().predictions });
  }
  const expected = sent.reduce((sum, request) => sum + request.records.length, 0);
  const predicted = sent.flatMap((request) => request.predictions).filter((p) => p !== null);
  t.true(predicted.length > expected / 2, 'most test records are predicted');
  await waitFor('rows stored', async () => {
    const [row] = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM "${schema}".predictions`);
    return row.n === expected ? true : undefined;
  });
  const rows = await query<{
    request_id: string;
    model_name: string;
    model_version: string;
    variant: string;
    inputs: Record<string, unknown>;
    outputs: { prediction: number | null };
  }>(
    url,
    `SELECT request_id, model_name, model_version, variant, inputs, outputs FROM "${schema}".predictions ORDER BY id`,
  );
  let k = 0;
  for (const request of sent) {
    request.records.forEach((record, j) => {
      const row = rows[k++];
      t.is(row.request_id, request.requestId);
      t.is(row.model_name, model.name);
      t.is(row.model_version, model.version);
      t.is(row.variant, 'candidate');
      // Stored in the course's spelling: 1stFlrSF becomes FirstFlrSF.
      t.like(row.inputs, { Id: record.Id, GrLivArea: record.GrLivArea, FirstFlrSF: record['1stFlrSF'] });
      t.is(row.outputs.prediction, request.predictions[j]);
    });
  }
  await app.close();
  await writer.close();
  t.like(writer.stats(), { written: expected, dropped: 0, journaled: 0 });
});
