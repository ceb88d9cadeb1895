/**
 * Benchmark of the prediction store alone: how many rows per second PostgreSQL takes through the
 * writer's COPY path (`PgPredictionDatabase.insertNew`), and how much PostgreSQL CPU each row
 * costs, with no server and no load generator competing for the CPUs.
 *
 *   npx tsx test/bench/store.ts [--seconds 8] [--batch 1000]
 *
 * Phases, each on a fresh schema, rows made from the records of model-server/data/test.csv:
 *  1. the predictions table as migrated (inputs and outputs jsonb), one writer;
 *  2. the same table, two writers at once (PostgreSQL may then use both CPUs);
 *  3. reference: the same columns and indexes with inputs and outputs as text, one writer, which
 *     tells the cost of parsing and storing the JSON as jsonb apart from the rest of a row.
 * PostgreSQL CPU counts every postgres process (backends, WAL writer, checkpointer) from /proc.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { processCpuSeconds, sharedControlPlane } from '../cluster/index.js';
import { readPayload } from '../../model-server/src/diff/payloads.js';
import { MIGRATIONS, quoteIdentifier } from '../../model-server/src/store/migrations.js';
import { PgPredictionDatabase } from '../../model-server/src/store/pg-database.js';
import type { PredictionRow } from '../../model-server/src/store/types.js';

const { values: flags } = parseArgs({
  options: { seconds: { type: 'string', default: '8' }, batch: { type: 'string', default: '1000' } },
});
const SECONDS = Number(flags.seconds);
const BATCH = Number(flags.batch);
const ROOT = path.resolve(import.meta.dirname, '../..');

/** CPU seconds (user + system) used so far by every process named postgres (Linux /proc). */
function postgresCpuSeconds(): number {
  let seconds = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let name = '';
    try {
      name = readFileSync(`/proc/${pid}/comm`, 'utf8');
    } catch {
      continue; // the process ended between the listing and the read
    }
    if (name === 'postgres\n') seconds += processCpuSeconds(Number(pid)) || 0;
  }
  return seconds;
}

interface Phase {
  rowsPerSecond: number;
  postgresMicrosPerRow: number;
}

/** Writes batches of fresh rows through each of `databases` at once for SECONDS. */
async function phase(databases: PgPredictionDatabase[], makeBatch: () => PredictionRow[]): Promise<Phase> {
  for (const database of databases) await database.insertNew(makeBatch()); // connect, warm up
  const cpuBefore = postgresCpuSeconds();
  const started = performance.now();
  let rows = 0;
  await Promise.all(
    databases.map(async (database) => {
      while (performance.now() - started < SECONDS * 1000) rows += await database.insertNew(makeBatch());
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = postgresCpuSeconds() - cpuBefore;
  return { rowsPerSecond: rows / seconds, postgresMicrosPerRow: (cpu * 1e6) / rows };
}

/** The migrated predictions table with inputs and outputs turned into text. */
async function createTextTable(admin: pg.Client, schema: string): Promise<void> {
  const s = quoteIdentifier(schema);
  await admin.query(`CREATE SCHEMA ${s}`);
  await admin.query(MIGRATIONS[0].sql(s));
  await admin.query(
    `ALTER TABLE ${s}.predictions ALTER COLUMN inputs TYPE text, ALTER COLUMN outputs TYPE text`,
  );
}

async function main(): Promise<void> {
  const plane = await sharedControlPlane();
  const url = plane.postgresUrl!;
  const payload = await readPayload(path.join(ROOT, 'model-server/data/test.csv'));
  let next = 0;
  const makeBatch = (): PredictionRow[] => {
    const createdAt = new Date().toISOString();
    return Array.from({ length: BATCH }, () => ({
      record_id: randomUUID(),
      request_id: randomUUID(),
      model_name: 'house-price',
      model_version: '2.0.0',
      variant: 'master',
      inputs: payload.records[next++ % payload.records.length],
      outputs: { prediction: 100_000 + (next % 97) * 1_234.5 },
      created_at: createdAt,
    }));
  };

  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const suffix = randomUUID().slice(0, 8);
  const schemas = {
    jsonb: `bench_store_${suffix}`,
    jsonb2: `bench_store2_${suffix}`,
    text: `bench_text_${suffix}`,
  };
  const open = (schema: string) => new PgPredictionDatabase({ url, schema });
  const opened: PgPredictionDatabase[] = [];
  try {
    const one = open(schemas.jsonb);
    await one.migrate();
    const two = [open(schemas.jsonb2), open(schemas.jsonb2)];
    await two[0].migrate();
    await createTextTable(admin, schemas.text);
    const text = open(schemas.text);
    opened.push(one, ...two, text);

    const jsonb = await phase([one], makeBatch);
    const jsonbTwo = await phase(two, makeBatch);
    const reference = await phase([text], makeBatch);

    const { rows } = await admin.query<{ server_version: string }>('SHOW server_version');
    const line = (name: string, p: Phase) =>
      console.log(
        `${name.padEnd(40)} ${Math.round(p.rowsPerSecond).toLocaleString('en-US').padStart(7)} rows/s; ` +
          `${p.postgresMicrosPerRow.toFixed(1)} µs PostgreSQL CPU per row`,
      );
    console.log(
      `CPUs: ${os.cpus().length} x ${os.cpus()[0]?.model}; PostgreSQL ${rows[0].server_version}; ` +
        `COPY batches of ${BATCH} rows; ${SECONDS} s per phase; load average before ${os.loadavg()[0].toFixed(1)}`,
    );
    line('predictions table (jsonb), 1 writer:', jsonb);
    line('predictions table (jsonb), 2 writers:', jsonbTwo);
    line('reference: same rows as text, 1 writer:', reference);
    console.log(
      `jsonb costs ${(jsonb.postgresMicrosPerRow - reference.postgresMicrosPerRow).toFixed(1)} µs of ` +
        `PostgreSQL CPU per row over text; 50,000 rows/s at the 1-writer cost takes ` +
        `${((50_000 * jsonb.postgresMicrosPerRow) / 1e6).toFixed(2)} CPUs for PostgreSQL alone`,
    );
  } finally {
    await Promise.all(opened.map((database) => database.end()));
    for (const schema of Object.values(schemas)) {
      await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
    }
    await admin.end();
  }
}

await main();
process.exit(0);
