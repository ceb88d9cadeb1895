import test from 'ava';
import { Agent, request } from 'undici';
import { startPostgres, waitFor } from '../../../test/cluster/index.js';
import { query, storedIds, tempDir, uniqueSchema } from '../store/pg-helpers.js';
import { realModel, storeBackedServer, testRecords } from './helpers.js';

const WORKERS = 4;
const ID_SPACE = 1_000_000; // worker w sends Ids w*ID_SPACE, w*ID_SPACE+1, ...

test('PostgreSQL stopped in the middle of a load: every accepted prediction is stored once, in order', async (t) => {
  const dir = await tempDir('outage');
  const postgres = await startPostgres(dir);
  t.teardown(() => postgres.stop());
  const schema = uniqueSchema('outage');
  const { app, writer } = await storeBackedServer({
    url: postgres.url,
    schema,
    journalDir: `${dir}/journal`,
    model: await realModel(),
    batchSize: 50,
    flushIntervalMs: 20,
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const houses = await testRecords();
  const agent = new Agent({ connections: WORKERS });
  let running = true;
  let accepted = 0;
  let failed = 0;

  // Each worker sends requests one after another, so its Ids reach the server in order.
  const worker = async (w: number) => {
    let next = w * ID_SPACE;
    while (running) {
      const count = 1 + (next % 4);
      const records = Array.from({ length: count }, (_, i) => ({
        ...houses[(next + i) % houses.length],
        Id: next + i,
      }));
      const response = await request(`${address}/v1/predictions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(records),
        dispatcher: agent,
      });
      await response.body.text();
      if (response.statusCode === 200) accepted += count;
      else failed++;
      next += count;
    }
  };
  const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  const until = (what: string, done: () => boolean) =>
    waitFor(what, () => (done() ? true : undefined), { timeoutMs: 60_000, intervalMs: 20 });

  await until('rows written before the outage', () => writer.stats().written > 500);
  await postgres.stop('immediate');
  const acceptedAtStop = accepted;
  await until('rows journaled during the outage', () => writer.stats().journaled > 2_000);
  t.false(await writer.isReachable());
  await postgres.start();
  await until('journal replayed', () => writer.stats().replayed > 0 && writer.stats().journalPending === 0);
  const acceptedAfterRestart = accepted;
  await until('more rows after the replay', () => accepted > acceptedAfterRestart + 500);
  running = false;
  await load;
  await app.close();
  await writer.close();

  const stats = writer.stats();
  t.log({ accepted, acceptedAtStop, failed, ...stats });
  t.is(failed, 0, 'the outage never fails a prediction request');
  t.is(stats.dropped, 0);
  const [{ n, distinct }] = await query<{ n: number; distinct: number }>(
    postgres.url,
    `SELECT count(*)::int AS n, count(DISTINCT record_id)::int AS distinct FROM "${schema}".predictions`,
  );
  t.is(n, accepted, 'rows in the table = predictions accepted');
  t.is(distinct, n, 'no row stored twice');
  // Per worker, the Ids in insertion order are exactly 0..k with nothing missing or reordered.
  const ids = await storedIds(postgres.url, schema);
  for (let w = 0; w < WORKERS; w++) {
    const mine = ids.filter((id) => Math.floor(id / ID_SPACE) === w).map((id) => id - w * ID_SPACE);
    t.deepEqual(mine, [...mine.keys()], `worker ${w}: replay kept the order`);
  }
  await agent.close();
});
