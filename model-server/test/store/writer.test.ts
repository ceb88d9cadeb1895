import test from 'ava';
import { waitFor } from '../../../test/cluster/index.js';
import { BACKLOG_BATCHES, BatchWriter } from '../../src/store/batch-writer.js';
import { FileJournal } from '../../src/store/file-journal.js';
import { PgPredictionDatabase } from '../../src/store/pg-database.js';
import { FaultyDatabase, FaultyJournal } from './faults.js';
import { query, sharedPostgresUrl, storedIds, tempDir, uniqueSchema } from './pg-helpers.js';
import { makeRows } from './rows.js';

interface Setup {
  url: string;
  schema: string;
  dir: string;
  database: FaultyDatabase;
  journal: FaultyJournal;
  writer: BatchWriter;
}

async function setUp(
  options: Partial<{ batchSize: number; flushIntervalMs: number; maxQueueRecords: number }> = {},
) {
  const url = await sharedPostgresUrl();
  const schema = uniqueSchema('writer');
  const dir = await tempDir('writer-journal');
  const database = new FaultyDatabase(new PgPredictionDatabase({ url, schema }));
  const journal = new FaultyJournal(new FileJournal({ dir, maxSegmentBytes: 4096 }));
  const writer = new BatchWriter(database, journal, {
    batchSize: 50,
    flushIntervalMs: 20,
    maxQueueRecords: 10_000,
    ...options,
  });
  await writer.start();
  return { url, schema, dir, database, journal, writer } satisfies Setup;
}

const range = (start: number, end: number) => Array.from({ length: end - start }, (_, i) => start + i);

async function waitStored(setup: Setup, count: number): Promise<void> {
  await waitFor(`${count} rows in ${setup.schema}`, async () => {
    const [row] = await query<{ n: number }>(
      setup.url,
      `SELECT count(*)::int AS n FROM "${setup.schema}".predictions`,
    );
    return row.n === count ? true : undefined;
  });
}

test('migrations are versioned and idempotent, also when replicas start together', async (t) => {
  const url = await sharedPostgresUrl();
  const schema = uniqueSchema('migr');
  const replicas = Array.from({ length: 5 }, () => new PgPredictionDatabase({ url, schema }));
  await Promise.all(replicas.map((replica) => replica.migrate()));
  await replicas[0].migrate();
  const versions = await query<{ version: number; name: string }>(
    url,
    `SELECT version, name FROM "${schema}".schema_migrations ORDER BY version`,
  );
  t.deepEqual(versions, [{ version: 1, name: 'create predictions' }]);
  const indexes = await query<{ indexname: string }>(
    url,
    'SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 ORDER BY indexname',
    [schema, 'predictions'],
  );
  t.deepEqual(
    indexes.map((row) => row.indexname),
    [
      'predictions_created_at_idx',
      'predictions_model_variant_created_at_idx',
      'predictions_pkey',
      'predictions_record_id_key',
    ],
  );
  await Promise.all(replicas.map((replica) => replica.end()));
});

test('full batches are written at once, a partial one after the flush interval; columns as given', async (t) => {
  const setup = await setUp({ batchSize: 50, flushIntervalMs: 200 });
  setup.writer.enqueue(makeRows(0, 120, 'candidate'));
  await waitStored(setup, 120);
  t.deepEqual(await storedIds(setup.url, setup.schema), range(0, 120));
  const [row] = await query<Record<string, unknown>>(
    setup.url,
    `SELECT model_name, model_version, variant, inputs, outputs FROM "${setup.schema}".predictions ORDER BY id LIMIT 1`,
  );
  t.deepEqual(row, {
    model_name: 'house-price',
    model_version: '1.2.3',
    variant: 'candidate',
    inputs: { Id: 0, GrLivArea: 1000, Neighborhood: 'NAmes' },
    outputs: { prediction: 100_000 },
  });
  await setup.writer.close();
  t.like(setup.writer.stats(), {
    written: 120,
    journaled: 0,
    replayed: 0,
    dropped: 0,
    queued: 0,
    journalPending: 0,
  });
});

test('a backlog is written in bigger batches, still in order', async (t) => {
  const setup = await setUp({ batchSize: 50, flushIntervalMs: 1_000 });
  setup.database.delayMs = 200; // the first batch is slow: the rest queue up behind it
  setup.writer.enqueue(makeRows(0, 50));
  setup.writer.enqueue(makeRows(50, 1_000));
  await waitStored(setup, 1_050);
  t.deepEqual(await storedIds(setup.url, setup.schema), range(0, 1_050));
  // 50 first, then batches of 250: 5 statements instead of 21.
  t.is(setup.database.inserts, 1 + Math.ceil(1_000 / (50 * BACKLOG_BATCHES)));
  await setup.writer.close();
});

test('an outage sends rows to the journal; they are replayed in order before newer rows', async (t) => {
  const setup = await setUp();
  setup.writer.enqueue(makeRows(0, 100));
  await waitStored(setup, 100);
  setup.database.down = true;
  for (let i = 100; i < 400; i += 10) {
    setup.writer.enqueue(makeRows(i, 10));
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await waitFor('rows journaled', () => (setup.writer.stats().journalPending === 300 ? true : undefined));
  t.false(await setup.writer.isReachable());
  t.false(setup.writer.stats().databaseUp);
  setup.database.down = false;
  setup.writer.enqueue(makeRows(400, 100));
  await waitStored(setup, 500);
  t.deepEqual(await storedIds(setup.url, setup.schema), range(0, 500));
  await setup.writer.close();
  const stats = setup.writer.stats();
  t.like(stats, { dropped: 0, journalPending: 0, queued: 0 });
  t.true(stats.journaled >= 300);
  t.is(stats.written + stats.replayed, 500);
});

test('rows already inserted are not duplicated when their journal segment is replayed again', async (t) => {
  const setup = await setUp();
  const rows = makeRows(0, 30);
  // As after a crash between the insert and the removal of the segment: rows in both places.
  await setup.database.migrate();
  await setup.database.insert(rows);
  const journal = new FileJournal({ dir: setup.dir });
  await setup.writer.close();
  await journal.open();
  await journal.append(rows);
  await journal.close();

  const database = new PgPredictionDatabase({ url: setup.url, schema: setup.schema });
  const writer = new BatchWriter(database, new FileJournal({ dir: setup.dir }), {
    batchSize: 50,
    flushIntervalMs: 20,
    maxQueueRecords: 1000,
  });
  await writer.start();
  writer.enqueue(makeRows(30, 5));
  await waitStored(setup, 35);
  await writer.close();
  t.deepEqual(await storedIds(setup.url, setup.schema), range(0, 35));
  t.like(writer.stats(), { replayed: 0, written: 5, journalPending: 0 });
});

test('over the memory cap, queued rows spill to the journal instead of growing memory', async (t) => {
  const setup = await setUp({ batchSize: 20, maxQueueRecords: 100 });
  setup.database.delayMs = 150; // a slow database
  let maxQueued = 0;
  for (let i = 0; i < 1000; i += 20) {
    setup.writer.enqueue(makeRows(i, 20));
    maxQueued = Math.max(maxQueued, setup.writer.stats().queued);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  t.true(maxQueued <= 100 + 20 + 20, `queue peaked at ${maxQueued}`);
  t.true(setup.writer.stats().journaled > 0);
  setup.database.delayMs = 0;
  await waitStored(setup, 1000);
  t.deepEqual(await storedIds(setup.url, setup.schema), range(0, 1000));
  await setup.writer.close();
  t.is(setup.writer.stats().dropped, 0);
});

test('rows are counted as dropped only when the journal fails too', async (t) => {
  const setup = await setUp();
  setup.database.down = true;
  setup.journal.broken = true;
  setup.writer.enqueue(makeRows(0, 7));
  await waitFor('rows dropped', () => (setup.writer.stats().dropped === 7 ? true : undefined));
  setup.database.down = false;
  setup.journal.broken = false;
  setup.writer.enqueue(makeRows(7, 3));
  await waitStored(setup, 3);
  await setup.writer.close();
  t.like(setup.writer.stats(), { dropped: 7, written: 3 });
});

test('close() flushes to the database, or to the journal when it is down; the next start replays', async (t) => {
  const setup = await setUp({ batchSize: 1000, flushIntervalMs: 60_000 });
  setup.writer.enqueue(makeRows(0, 10));
  await setup.writer.close();
  t.deepEqual(await storedIds(setup.url, setup.schema), range(0, 10));

  const dir = await tempDir('writer-close');
  const down = new FaultyDatabase(new PgPredictionDatabase({ url: setup.url, schema: setup.schema }));
  const first = new BatchWriter(down, new FileJournal({ dir }), {
    batchSize: 1000,
    flushIntervalMs: 60_000,
    maxQueueRecords: 10_000,
  });
  await first.start();
  down.down = true;
  first.enqueue(makeRows(10, 10));
  await first.close();
  t.like(first.stats(), { journaled: 10, journalPending: 10, dropped: 0 });

  const second = new BatchWriter(
    new PgPredictionDatabase({ url: setup.url, schema: setup.schema }),
    new FileJournal({ dir }),
    {
      batchSize: 1000,
      flushIntervalMs: 20,
      maxQueueRecords: 10_000,
    },
  );
  await second.start();
  await waitStored(setup, 20);
  await second.close();
  t.deepEqual(await storedIds(setup.url, setup.schema), range(0, 20));
  t.like(second.stats(), { replayed: 10, journalPending: 0 });
});
