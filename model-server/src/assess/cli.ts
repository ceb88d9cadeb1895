import { writeFile } from 'node:fs/promises';
import { loadModel } from '../model/load.js';
import { assess } from './assess.js';
import type { PredictionStoreReader } from './live-data.js';
import { PgPredictionReader } from './pg-reader.js';
import { renderAssessmentHtml } from './report-html.js';
import { formatAssessmentTable } from './report-table.js';
import type { Assessment, AssessmentScope, AssessmentThresholds } from './types.js';

const USAGE = `usage: model-server assess --artifact <model.json> [--since 1h | --from <time> --to <time>]
                           [--model <name>] [--version <version>] [--variant master|candidate]
                           [--database-url postgres://...] [--schema public]
                           [--json <file>|-] [--html <file>] [--p-value 0.01] [--psi 0.2]

Drift assessment: compares the predictions stored in PostgreSQL for one model version and variant
in a time window with the training profile in the model artifact (allowed categories, value ranges,
missing rates, chi-square, Kolmogorov-Smirnov, population stability index, the prediction
distribution and, for a candidate in shadow mode, its predictions against the master's on the same
records). Prints a table; --json and --html also write the report as JSON and as one self-contained
HTML page. --model and --version default to the artifact's; DATABASE_URL and STORE_SCHEMA are read
when the flags are not given. Exit status: 0 no drift, 1 drift found, 2 usage, source or empty scope.`;

/** Options of `assess` after parsing. */
export interface AssessOptions {
  artifact: string;
  model?: string;
  version?: string;
  variant: string;
  from: string;
  to: string;
  databaseUrl: string;
  schema: string;
  json?: string;
  html?: string;
  thresholds: AssessmentThresholds;
}

const DURATION = /^(\d+(?:\.\d+)?)(s|m|h|d)$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Parses the assess command line; throws an Error naming the bad flag. */
export function parseAssessArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  now: Date = new Date(),
): AssessOptions {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!match) throw new Error(`${argv[i]}: unexpected argument`);
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${match[1]}: needs a value`);
    if (values.has(match[1])) throw new Error(`--${match[1]}: given more than once`);
    values.set(match[1], value);
  }
  const known = [
    'artifact',
    'model',
    'version',
    'variant',
    'since',
    'from',
    'to',
    'database-url',
    'schema',
    'json',
    'html',
    'p-value',
    'psi',
  ];
  for (const flag of values.keys()) if (!known.includes(flag)) throw new Error(`--${flag}: unknown flag`);

  const artifact = values.get('artifact');
  if (!artifact) throw new Error('--artifact: required (the model artifact holding the training profile)');
  const databaseUrl = values.get('database-url') ?? env.DATABASE_URL;
  if (!databaseUrl) throw new Error('--database-url: required (or set DATABASE_URL)');
  if (!/^postgres(ql)?:\/\//.test(databaseUrl))
    throw new Error('--database-url: must start with postgres://');
  const schema = values.get('schema') ?? env.STORE_SCHEMA ?? 'public';
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema))
    throw new Error(`--schema: not an SQL identifier (got ${schema})`);
  const variant = values.get('variant') ?? 'master';
  if (!/^[a-z0-9-]{1,63}$/.test(variant))
    throw new Error(`--variant: must be a variant name such as master or candidate (got ${variant})`);

  const { from, to } = windowOf(values, now);
  return {
    artifact,
    model: values.get('model'),
    version: values.get('version'),
    variant,
    from,
    to,
    databaseUrl,
    schema,
    json: values.get('json'),
    html: values.get('html'),
    thresholds: {
      pValue: probability(values, 'p-value', 0.01),
      psi: nonNegative(values, 'psi', 0.2),
    },
  };
}

function windowOf(values: Map<string, string>, now: Date): { from: string; to: string } {
  const since = values.get('since');
  if (since !== undefined && (values.has('from') || values.has('to'))) {
    throw new Error('--since: cannot be combined with --from/--to');
  }
  if (values.has('from') || values.has('to')) {
    const from = time(values, 'from');
    const to = values.has('to') ? time(values, 'to') : now;
    if (from >= to)
      throw new Error(`--from: must be before --to (${from.toISOString()} >= ${to.toISOString()})`);
    return { from: from.toISOString(), to: to.toISOString() };
  }
  const match = DURATION.exec(since ?? '1h');
  if (!match) throw new Error(`--since: must be a duration such as 30m, 6h or 7d (got ${since})`);
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2]];
  return { from: new Date(now.getTime() - seconds * 1000).toISOString(), to: now.toISOString() };
}

function time(values: Map<string, string>, flag: string): Date {
  const given = values.get(flag);
  if (given === undefined) throw new Error(`--${flag}: required with --${flag === 'from' ? 'to' : 'from'}`);
  const date = new Date(given);
  if (Number.isNaN(date.getTime()))
    throw new Error(`--${flag}: not a time (RFC 3339 expected, got ${given})`);
  return date;
}

function probability(values: Map<string, string>, flag: string, fallback: number): number {
  const value = nonNegative(values, flag, fallback);
  if (value <= 0 || value >= 1) throw new Error(`--${flag}: must be between 0 and 1 (got ${value})`);
  return value;
}

function nonNegative(values: Map<string, string>, flag: string, fallback: number): number {
  const given = values.get(flag);
  if (given === undefined) return fallback;
  const value = Number(given);
  if (given.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new Error(`--${flag}: must be a non-negative number (got ${given})`);
  }
  return value;
}

/** Reads the store and the artifact and assesses; the reader is closed before returning. */
export async function runAssessment(
  options: AssessOptions,
  reader: PredictionStoreReader = new PgPredictionReader(options.databaseUrl, options.schema),
  now: () => number = () => performance.now(),
): Promise<Assessment> {
  try {
    const model = await loadModel(options.artifact);
    const scope: AssessmentScope = {
      model: options.model ?? model.name,
      version: options.version ?? model.version,
      variant: options.variant,
      from: options.from,
      to: options.to,
    };
    const started = now();
    const live = await reader.readLive(scope, Object.keys(model.profile.features));
    const shadow = await reader.readShadowPairs(scope);
    const read = (now() - started) / 1000;
    const result = assess({
      scope,
      thresholds: options.thresholds,
      artifact: {
        name: model.name,
        version: model.version,
        sha256: model.sha256 ?? '',
        profile: model.profile,
      },
      live,
      shadow,
    });
    const compute = (now() - started) / 1000 - read;
    return { ...result, generatedAt: new Date().toISOString(), seconds: { read, compute } };
  } finally {
    await reader.close();
  }
}

/** `model-server assess`: prints the table, writes the requested reports; see USAGE for the exit status. */
export async function assessMain(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let options: AssessOptions;
  try {
    options = parseAssessArgs(argv);
  } catch (error) {
    process.stderr.write(`model-server assess: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  let assessment: Assessment;
  try {
    assessment = await runAssessment(options);
  } catch (error) {
    process.stderr.write(`model-server assess: ${(error as Error).message}\n`);
    return 2;
  }
  const json = `${JSON.stringify(assessment, null, 2)}\n`;
  if (options.json === '-') process.stdout.write(json);
  else process.stdout.write(formatAssessmentTable(assessment, { color: process.stdout.isTTY }));
  if (options.json && options.json !== '-') await writeFile(options.json, json);
  if (options.html) await writeFile(options.html, renderAssessmentHtml(assessment));
  if (assessment.verdict === 'empty') {
    const { scope } = assessment;
    process.stderr.write(
      `model-server assess: no stored predictions for ${scope.model} ${scope.version} (${scope.variant}) between ${scope.from} and ${scope.to}\n`,
    );
    return 2;
  }
  return assessment.verdict === 'drift' ? 1 : 0;
}
