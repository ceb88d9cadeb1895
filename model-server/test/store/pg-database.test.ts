import test from 'ava';
import { PgPredictionDatabase } from '../../src/store/pg-database.js';
import { query, sharedPostgresUrl, storedIds, uniqueSchema } from './pg-helpers.js';
import { makeRows } from './rows.js';

async function database() {
  const url = await sharedPostgresUrl();
  const schema = uniqueSchema('pgdb');
  const db = new PgPredictionDatabase({ url, schema });
  await db.migrate();
  return { url, schema, db };
}

test('COPY stores text with tabs, newlines, backslashes, quotes and unicode exactly', async (t) => {
  const { url, schema, db } = await database();
  t.teardown(() => db.end());
  const rows = makeRows(0, 3, 'candidate', 'id\twith\ttabs\\and\nlines');
  rows[1].inputs = { Id: 1, Street: 'a\tb\nc\rd\\e"f' + "'g ünïcødé €", LotArea: -0.5e-7 };
  rows[2].outputs = { prediction: null, error: 'GrLivArea: must be\ta "number"' };
  t.is(await db.insertNew(rows), 3);
  const stored = await query<Record<string, unknown>>(
    url,
    `SELECT request_id, variant, inputs, outputs FROM "${schema}".predictions ORDER BY id`,
  );
  t.deepEqual(
    stored,
    rows.map((r) => ({ request_id: r.request_id, variant: r.variant, inputs: r.inputs, outputs: r.outputs })),
  );
});

test('a fresh batch with a known record id fails whole; the idempotent insert then skips it', async (t) => {
  const { url, schema, db } = await database();
  t.teardown(() => db.end());
  const first = makeRows(0, 5);
  t.is(await db.insertNew(first), 5);
  const again = [...makeRows(5, 2), first[4], ...makeRows(7, 2)];
  await t.throwsAsync(db.insertNew(again), { message: /duplicate key/ });
  t.deepEqual(await storedIds(url, schema), [0, 1, 2, 3, 4]);
  t.is(await db.insert(again), 4);
  t.deepEqual(await storedIds(url, schema), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  // The pool is still usable after the failed COPY.
  t.is(await db.insertNew(makeRows(9, 1)), 1);
});
