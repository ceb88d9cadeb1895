import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import pg from 'pg';
import { runAssessment, type AssessOptions } from '../../src/assess/cli.js';
import { ksTwoSample, weightedSample } from '../../src/assess/stats/ks.js';
import type { Assessment } from '../../src/assess/types.js';
import { readPayload } from '../../src/diff/payloads.js';
import { loadModel } from '../../src/model/load.js';
import { sampleOf } from '../../src/model/profile-bins.js';
import type { NumericalProfile } from '../../src/model/profile.js';
import { validateRecords, type HouseRecord } from '../../src/model/validate-records.js';
import { seedPredictions, type SeedSpec } from '../../../test/support/seed-predictions.js';
import { sharedPostgresUrl, tempDir, uniqueSchema } from '../store/pg-helpers.js';

const root = path.resolve(import.meta.dirname, '../../..');
const artifactPath = (name: string) => path.join(root, 'model-server/artifacts', `${name}.json`);
const ROWS = 3000;

interface Fixture {
  url: string;
  schema: string;
  records: HouseRecord[];
  drifted: HouseRecord[];
  from: Date;
}

/** In-distribution inputs (test.csv) for course-gbm 0.1.0, drifted ones for 0.1.1, and shadow rows of default-gbm. */
async function seed(): Promise<Fixture> {
  const url = await sharedPostgresUrl();
  const schema = uniqueSchema('assess');
  const validated = validateRecords(
    (await readPayload(path.join(root, 'model-server/data/test.csv'))).records,
  );
  if (!validated.ok) throw new Error('test.csv does not validate');
  const records = validated.records;
  const drifted = records.map((record, i) => ({
    ...record,
    LotArea: typeof record.LotArea === 'number' ? record.LotArea * 5 : record.LotArea,
    BsmtQual: i % 4 === 0 ? 'Po' : record.BsmtQual,
    GrLivArea: i % 10 === 0 ? null : record.GrLivArea,
  }));
  const course = await loadModel(artifactPath('course-gbm'));
  const candidate = await loadModel(artifactPath('default-gbm'));
  const from = new Date(Date.now() - 600_000);
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const client = await pool.connect();
  const base: Omit<SeedSpec, 'version' | 'variant' | 'records' | 'predictions'> = {
    schema,
    model: course.name,
    rows: ROWS,
    from,
    spanSeconds: 300,
    requestPrefix: 'req',
  };
  try {
    await seedPredictions(client, {
      ...base,
      version: '0.1.0',
      variant: 'master',
      records,
      predictions: course.predict(records).predictions,
    });
    await seedPredictions(client, {
      ...base,
      version: '0.1.1',
      variant: 'master',
      records: drifted,
      predictions: course.predict(drifted).predictions,
      requestPrefix: 'drifted',
    });
    await seedPredictions(client, {
      ...base,
      version: candidate.version,
      variant: 'candidate',
      records,
      predictions: candidate.predict(records).predictions,
    });
  } finally {
    client.release();
    await pool.end();
  }
  return { url, schema, records, drifted, from };
}

let fixture: Promise<Fixture> | undefined;
const seeded = () => (fixture ??= seed());

function options(f: Fixture, overrides: Partial<AssessOptions> = {}): AssessOptions {
  return {
    artifact: artifactPath('course-gbm'),
    variant: 'master',
    from: f.from.toISOString(),
    to: new Date().toISOString(),
    databaseUrl: f.url,
    schema: f.schema,
    thresholds: { pValue: 0.01, psi: 0.2 },
    ...overrides,
  };
}

const featureOf = (a: Assessment, name: string) => {
  const found = a.features.find((f) => f.feature === name);
  if (!found) throw new Error(`no assessment of ${name}`);
  return found;
};

/** The records' values of a numeric field repeated as the seeding cycles through them. */
function cycled(records: readonly HouseRecord[], field: string, rows: number): number[] {
  const values: number[] = [];
  for (let g = 0; g < rows; g++) {
    const v = records[g % records.length][field];
    if (typeof v === 'number') values.push(v);
  }
  return values;
}

function countCycled(
  records: readonly HouseRecord[],
  rows: number,
  match: (r: HouseRecord) => boolean,
): number {
  let n = 0;
  for (let g = 0; g < rows; g++) if (match(records[g % records.length])) n++;
  return n;
}

test('in-distribution traffic: every feature PSI is small and the counts are the stored rows', async (t) => {
  const f = await seeded();
  const a = await runAssessment(options(f));
  t.is(a.rows, ROWS);
  t.is(a.features.length, 11);
  for (const feature of a.features) {
    t.true(feature.psi < 0.1, `${feature.feature} PSI ${feature.psi}`);
    t.is(
      feature.bins.liveCounts.reduce((x, y) => x + y, 0),
      ROWS,
      `${feature.feature} bins hold every row`,
    );
    t.is(feature.findings.filter((x) => x.startsWith('PSI')).length, 0);
  }
  t.not(a.prediction, null);
  const predictions = (await loadModel(artifactPath('course-gbm'))).predict(f.records).predictions;
  t.is(
    a.prediction!.live.count,
    countCycled(f.records, ROWS, (r) => predictions[f.records.indexOf(r)] !== null),
    'records the model left out have no prediction',
  );
  t.true(a.prediction!.psi < 0.1, `prediction PSI ${a.prediction!.psi}`);
  t.is(a.shadow, null, 'a master scope has no shadow pairs');
});

test('the KS statistic from the store equals one computed from the records themselves', async (t) => {
  const f = await seeded();
  const course = await loadModel(artifactPath('course-gbm'));
  const a = await runAssessment(options(f, { version: '0.1.1' }));
  for (const field of ['LotArea', 'TotalBsmtSF']) {
    const training = weightedSample(sampleOf(field, course.profile.features[field] as NumericalProfile));
    const expected = ksTwoSample(training, weightedSample(cycled(f.drifted, field, ROWS)));
    const got = featureOf(a, field).distribution!;
    t.is(got.test, 'ks');
    t.is(got.statistic, expected.statistic, field);
    t.is(got.pValue, expected.pValue, field);
  }
});

test('drifted traffic: scaled, unseen and missing values are each found', async (t) => {
  const f = await seeded();
  const a = await runAssessment(options(f, { version: '0.1.1' }));
  t.is(a.verdict, 'drift');
  const lotArea = featureOf(a, 'LotArea');
  t.true(lotArea.psi > 1, `LotArea PSI ${lotArea.psi}`);
  t.true(lotArea.distribution!.pValue! < 1e-12);
  t.true(lotArea.range!.above > 0);
  t.true(lotArea.findings.some((x) => x.startsWith('PSI')));

  const bsmtQual = featureOf(a, 'BsmtQual');
  t.is(bsmtQual.kind, 'categorical');
  const poRows = countCycled(f.drifted, ROWS, (r) => r.BsmtQual === 'Po');
  t.deepEqual(bsmtQual.unseen?.[0], { value: 'Po', count: poRows });
  t.true(bsmtQual.findings.some((x) => x.includes('never seen') && x.includes('Po')));
  t.true(bsmtQual.distribution!.pValue! < 1e-12);

  const area = featureOf(a, 'GrLivArea');
  const missingRows = countCycled(f.drifted, ROWS, (r) => r.GrLivArea === null);
  t.is(area.liveMissingRate, missingRows / ROWS);
  t.is(area.trainingMissingRate, 0);
  t.true(area.missing!.pValue! < 1e-6, `missing p ${area.missing!.pValue}`);
  t.true(area.findings.some((x) => x.startsWith('missing 10.')));

  const unchanged = featureOf(a, 'OverallQual');
  t.is(unchanged.kind, 'discrete');
  t.true(unchanged.psi < 0.1);
});

test('a shadow candidate is paired with the master on the same requests', async (t) => {
  const f = await seeded();
  const course = await loadModel(artifactPath('course-gbm'));
  const candidate = await loadModel(artifactPath('default-gbm'));
  const a = await runAssessment(options(f, { artifact: artifactPath('default-gbm'), variant: 'candidate' }));
  const shadow = a.shadow!;
  t.is(shadow.masterVersion, '0.1.0');
  t.is(shadow.candidateVersion, candidate.version);
  const m = course.predict(f.records).predictions;
  const c = candidate.predict(f.records).predictions;
  let expectedPairs = 0;
  let sum = 0;
  for (let g = 0; g < ROWS; g++) {
    const i = g % f.records.length;
    if (m[i] === null || c[i] === null) continue;
    expectedPairs++;
    sum += c[i]! - m[i]!;
  }
  t.is(shadow.pairs, expectedPairs);
  t.true(Math.abs(shadow.meanDifference - sum / expectedPairs) < 1e-6);
  t.true(shadow.relativeDifference.p50 <= shadow.relativeDifference.p95);
  t.true(shadow.relativeDifference.p95 <= shadow.relativeDifference.max);
  t.is(
    shadow.bins.trainingCounts.reduce((x, y) => x + y, 0),
    expectedPairs,
  );
});

test('the command prints the table, writes JSON and HTML, and exits 1 on drift', async (t) => {
  const f = await seeded();
  const dir = await tempDir('assess');
  const run = promisify(execFile);
  const args = [
    path.join(root, 'bin/model-server.js'),
    'assess',
    '--artifact',
    artifactPath('course-gbm'),
    '--version',
    '0.1.1',
    '--since',
    '1h',
    '--schema',
    f.schema,
    '--json',
    path.join(dir, 'a.json'),
    '--html',
    path.join(dir, 'a.html'),
  ];
  const error = await run(process.execPath, args, { env: { ...process.env, DATABASE_URL: f.url } }).then(
    () => undefined,
    (e: { code: number; stdout: string }) => e,
  );
  t.is(error?.code, 1, 'drift exits 1');
  t.regex(error!.stdout, /LotArea/);
  const json = JSON.parse(await readFile(path.join(dir, 'a.json'), 'utf8')) as Assessment;
  t.is(json.verdict, 'drift');
  t.is(json.rows, ROWS);
  t.regex(await readFile(path.join(dir, 'a.html'), 'utf8'), /^<!DOCTYPE html>/i);
});

test('an empty scope and bad flags exit 2 with the reason', async (t) => {
  const f = await seeded();
  const run = promisify(execFile);
  const bin = path.join(root, 'bin/model-server.js');
  const env = { ...process.env, DATABASE_URL: f.url };
  const failure = (args: string[]) =>
    run(process.execPath, [bin, 'assess', ...args], { env }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
  const empty = await failure([
    '--artifact',
    artifactPath('course-gbm'),
    '--version',
    '9.9.9',
    '--schema',
    f.schema,
  ]);
  t.is(empty.code, 2);
  t.regex(empty.stderr, /no stored predictions for house-price 9\.9\.9 \(master\)/);
  const badSince = await failure(['--artifact', artifactPath('course-gbm'), '--since', 'yesterday']);
  t.is(badSince.code, 2);
  t.regex(badSince.stderr, /--since: must be a duration/);
  const missing = await failure(['--artifact', '/nonexistent.json', '--schema', f.schema]);
  t.is(missing.code, 2);
  t.regex(missing.stderr, /nonexistent\.json/);
});
