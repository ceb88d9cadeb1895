/**
 * Benchmark of `model-server assess`: seeds the prediction store with a million stored
 * predictions of the course model (Kaggle test.csv inputs, the model's own predictions) plus a
 * million shadow predictions of the default candidate on the same requests, then times the
 * master assessment and the candidate one (which adds the shadow pairing). Reference: a plain
 * `SELECT count(*)` over the same rows, measured in the same run.
 *
 *   npx tsx test/bench/assess.ts [--rows 1000000] [--reuse]   (--reuse: keep rows seeded by an earlier run)
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { runAssessment, type AssessOptions } from '../../model-server/src/assess/cli.js';
import { readPayload } from '../../model-server/src/diff/payloads.js';
import { loadModel } from '../../model-server/src/model/load.js';
import { validateRecords } from '../../model-server/src/model/validate-records.js';
import { sharedControlPlane } from '../cluster/index.js';
import { seedPredictions } from '../support/seed-predictions.js';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, reuse: { type: 'boolean', default: false } },
});
const rows = Number(values.rows);
const root = path.resolve(import.meta.dirname, '../..');
const schema = 'assess_bench';

const plane = await sharedControlPlane();
const url = plane.postgresUrl!;
const payload = await readPayload(path.join(root, 'model-server/data/test.csv'));
const master = await loadModel(path.join(root, 'model-server/artifacts/course-gbm.json'));
const candidate = await loadModel(path.join(root, 'model-server/artifacts/default-gbm.json'));
const validated = validateRecords(payload.records, {});
if (!validated.ok) throw new Error(`test.csv: ${JSON.stringify(validated.errors[0])}`);
const { records } = validated;
const pool = new pg.Pool({ connectionString: url, max: 1 });
const client = await pool.connect();
const seededBefore = values.reuse
  ? await client
      .query<{ n: string; from: Date }>(
        `SELECT count(*) AS n, min(created_at) AS from FROM ${schema}.predictions`,
      )
      .then(
        (r) => r.rows[0],
        () => undefined,
      )
  : undefined;
const from = seededBefore?.n === String(2 * rows) ? seededBefore.from : new Date(Date.now() - 3600_000);
let started = performance.now();
if (seededBefore?.n !== String(2 * rows)) {
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  for (const [model, variant] of [
    [master, 'master'],
    [candidate, 'candidate'],
  ] as const) {
    await seedPredictions(client, {
      schema,
      model: model.name,
      version: model.version,
      variant,
      records,
      predictions: model.predict(records).predictions,
      rows,
      from,
      spanSeconds: 3000,
      requestPrefix: 'bench',
    });
  }
  await client.query(`ANALYZE ${schema}.predictions`);
  console.log(
    `seeded ${rows} master + ${rows} candidate rows in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

started = performance.now();
await client.query(`SELECT count(*) FROM ${schema}.predictions WHERE variant = 'master'`);
const countSeconds = (performance.now() - started) / 1000;
client.release();
await pool.end();

const options = (artifact: string, variant: string): AssessOptions => ({
  artifact: path.join(root, 'model-server/artifacts', artifact),
  variant,
  from: from.toISOString(),
  to: new Date().toISOString(),
  databaseUrl: url,
  schema,
  thresholds: { pValue: 0.01, psi: 0.2 },
});
for (const [artifact, variant] of [
  ['course-gbm.json', 'master'],
  ['default-gbm.json', 'candidate'],
]) {
  started = performance.now();
  const assessment = await runAssessment(options(artifact, variant));
  const total = (performance.now() - started) / 1000;
  console.log(
    `assess ${variant} (${assessment.features.length} features, ${assessment.rows} rows` +
      `${assessment.shadow ? `, ${assessment.shadow.pairs} shadow pairs` : ''}): ${total.toFixed(2)} s ` +
      `(read ${assessment.seconds.read.toFixed(2)} s, compute ${assessment.seconds.compute.toFixed(2)} s; ` +
      `${(total / countSeconds).toFixed(1)} x a count(*) of ${countSeconds.toFixed(2)} s) — goal < 30 s`,
  );
}
