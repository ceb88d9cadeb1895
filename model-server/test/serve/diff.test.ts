import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { runDiff, type DiffOptions } from '../../src/diff/cli.js';
import { tempDir } from '../store/pg-helpers.js';
import { artifactPath, realModel, testRecords, testServer } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const TEST_CSV = path.join(ROOT, 'model-server/data/test.csv');
const options = (a: string, b: string, payloads: string[]): DiffOptions => ({
  a,
  b,
  payloads,
  tolerance: { relative: 0.05, absolute: 0 },
  batchSize: 100,
  maxListed: 5,
});

test('a running server and the artifact it serves give the same predictions', async (t) => {
  const app = await testServer({ model: await realModel('course-gbm') });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const json = path.join(await tempDir('diff-payload'), 'houses.json');
  await writeFile(json, JSON.stringify((await testRecords()).slice(0, 30)));
  try {
    const exact = { ...options(address, await artifactPath('course-gbm'), [TEST_CSV, json]) };
    exact.tolerance = { relative: 0, absolute: 0 };
    const { same, comparison, report } = await runDiff(exact);
    t.true(same, report);
    t.is(comparison.compared, 1459 + 30);
    t.true(report.includes('RESULT: same predictions'));
    t.true(report.includes('(house-price 0.1.0)'));
  } finally {
    await app.close();
  }
});

test('two different models differ; the CLI prints the report and exits 1', async (t) => {
  const a = await artifactPath('course-gbm');
  const b = await artifactPath('default-gbm');
  const { same, comparison } = await runDiff(options(a, b, [TEST_CSV]));
  t.false(same);
  t.true(comparison.differences.length > 0);
  t.true(comparison.maxRelative > 0.05);

  const run = promisify(execFile);
  const error = await t.throwsAsync(() =>
    run(
      process.execPath,
      ['--import', 'tsx', 'model-server/src/main.ts', 'diff', '--a', a, '--b', b, '--payload', TEST_CSV],
      {
        cwd: ROOT,
      },
    ),
  );
  const failed = error as unknown as { code: number; stdout: string };
  t.is(failed.code, 1);
  t.regex(
    failed.stdout,
    /compared 1459 records: \d+ within tolerance( \(\d+ left out by both\))?, \d+ differ/,
  );
  t.regex(
    failed.stdout,
    /differences \(first 20\):\n {2}test\.csv#\d+ \(Id \d+\) +A [\d,.]+ +B [\d,.]+ +diff/,
  );
  t.true(failed.stdout.endsWith('RESULT: predictions differ\n'));

  // Within a generous tolerance the same pair passes, exit 0.
  const loose = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      'model-server/src/main.ts',
      'diff',
      '--a',
      a,
      '--b',
      b,
      '--payload',
      TEST_CSV,
      '--rel-tol',
      '10',
    ],
    { cwd: ROOT },
  );
  t.true(loose.stdout.endsWith('RESULT: same predictions\n'));
});

test('a source that refuses the payload is an error, not a difference', async (t) => {
  const json = path.join(await tempDir('diff-bad'), 'bad.json');
  await writeFile(json, JSON.stringify([{ GrLivArea: 'large' }]));
  const artifact = await artifactPath('course-gbm');
  await t.throwsAsync(() => runDiff(options(artifact, artifact, [json])), {
    message: /invalid payload record 0, GrLivArea: expected an integer/,
  });
  const app = await testServer({ model: await realModel('course-gbm') });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    await t.throwsAsync(() => runDiff(options(address, address, [json])), { message: /answered 400/ });
  } finally {
    await app.close();
  }
});
