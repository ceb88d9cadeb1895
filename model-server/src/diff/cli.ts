import { comparePredictions, type Comparison, type Tolerance } from './compare.js';
import { readPayload } from './payloads.js';
import { formatReport } from './report.js';
import { openSource } from './sources.js';

const USAGE = `usage: model-server diff --a <url|artifact> --b <url|artifact> --payload <file> [--payload <file> ...]
                         [--rel-tol 0.05] [--abs-tol 0] [--batch-size 100] [--max-listed 20]

Differential test: predicts every record of the payload files (JSON arrays of house records, or
Kaggle CSV files such as test.csv) with A and B, and compares each pair of predictions:
|A - B| <= max(rel-tol x max(|A|, |B|), abs-tol). A and B are running servers (http://...) or
model artifact files. Exit status: 0 same predictions, 1 predictions differ, 2 usage or source error.`;

/** Options of `diff` after parsing. */
export interface DiffOptions {
  a: string;
  b: string;
  payloads: string[];
  tolerance: Tolerance;
  batchSize: number;
  maxListed: number;
}

/** Parses the diff command line; throws an Error naming the bad flag. */
export function parseDiffArgs(argv: readonly string[]): DiffOptions {
  const values: Record<string, string[]> = {};
  for (let i = 0; i < argv.length; i++) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!match) throw new Error(`${argv[i]}: unexpected argument`);
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${match[1]}: needs a value`);
    (values[match[1]] ??= []).push(value);
  }
  const known = ['a', 'b', 'payload', 'rel-tol', 'abs-tol', 'batch-size', 'max-listed'];
  for (const flag of Object.keys(values))
    if (!known.includes(flag)) throw new Error(`--${flag}: unknown flag`);
  const one = (flag: string): string => {
    const given = values[flag];
    if (!given) throw new Error(`--${flag}: required`);
    if (given.length > 1) throw new Error(`--${flag}: given more than once`);
    return given[0];
  };
  const number = (flag: string, fallback: number, integer = false): number => {
    if (!values[flag]) return fallback;
    const value = Number(one(flag));
    if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
      throw new Error(
        `--${flag}: must be a non-negative ${integer ? 'integer' : 'number'} (got ${one(flag)})`,
      );
    }
    return value;
  };
  if (!values.payload) throw new Error('--payload: at least one payload file is required');
  return {
    a: one('a'),
    b: one('b'),
    payloads: values.payload,
    tolerance: { relative: number('rel-tol', 0.05), absolute: number('abs-tol', 0) },
    batchSize: Math.max(1, number('batch-size', 100, true)),
    maxListed: number('max-listed', 20, true),
  };
}

/** `model-server diff`: prints the report; 0 same, 1 different, 2 usage or source error. */
export async function diffMain(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let options: DiffOptions;
  try {
    options = parseDiffArgs(argv);
  } catch (error) {
    process.stderr.write(`model-server diff: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  try {
    const { report, same } = await runDiff(options);
    process.stdout.write(report);
    return same ? 0 : 1;
  } catch (error) {
    process.stderr.write(`model-server diff: ${(error as Error).message}\n`);
    return 2;
  }
}

/** Runs a differential test; throws when a payload or a source fails. */
export async function runDiff(
  options: DiffOptions,
): Promise<{ report: string; same: boolean; comparison: Comparison }> {
  const payloads = await Promise.all(options.payloads.map((file) => readPayload(file)));
  const records = payloads.flatMap((payload) => payload.records);
  const labels = payloads.flatMap((payload) => payload.labels);
  const a = openSource(options.a, options.batchSize);
  const b = openSource(options.b, options.batchSize);
  const [modelA, modelB, predictionsA, predictionsB] = await Promise.all([
    a.describe(),
    b.describe(),
    a.predict(records),
    b.predict(records),
  ]);
  const comparison = comparePredictions(labels, predictionsA, predictionsB, options.tolerance);
  const report = formatReport(
    { a: { source: a.source, model: modelA }, b: { source: b.source, model: modelB } },
    payloads.map((payload) => `${payload.file} (${payload.records.length} records)`),
    options.tolerance,
    comparison,
    options.maxListed,
  );
  return { report, same: comparison.differences.length === 0, comparison };
}
