import test from 'ava';
import { ConfigError, flagsToEnv } from '../../src/config/env.js';
import { parseServeConfig, SERVE_ENV_VARS } from '../../src/config/serve-config.js';

const minimal = { MODEL_ARTIFACT: '/models/gbm.json' };

test('defaults: only MODEL_ARTIFACT is required', (t) => {
  const config = parseServeConfig(minimal);
  t.is(config.port, 8080);
  t.is(config.host, '0.0.0.0');
  t.is(config.variant, 'master');
  t.is(config.http.bodyLimitBytes, 1_048_576);
  t.is(config.store.databaseUrl, undefined);
  t.is(config.store.schema, 'public');
  t.is(config.store.batchSize, 200);
  t.true(config.store.journalDir.endsWith('journal-master'));
  t.true(config.log.inputs);
  t.deepEqual(config.log.redact, []);
});

test('reads every variable', (t) => {
  const config = parseServeConfig({
    ...minimal,
    PORT: '9000',
    HOST: '127.0.0.1',
    MODEL_VARIANT: 'candidate',
    DATABASE_URL: 'postgres://u@db:5432/predictions',
    STORE_REQUIRED: 'true',
    STORE_SCHEMA: 'house_price',
    BATCH_SIZE: '50',
    FLUSH_INTERVAL_MS: '20',
    MAX_QUEUE_RECORDS: '1000',
    JOURNAL_DIR: '/var/journal',
    LOG_LEVEL: 'warn',
    LOG_INPUTS: 'off',
    LOG_REDACT: 'inputs[*].Neighborhood, inputs[*].Id',
    BODY_LIMIT: '2048',
    MAX_RECORDS: '10',
  });
  t.is(config.port, 9000);
  t.is(config.variant, 'candidate');
  t.deepEqual(config.store, {
    databaseUrl: 'postgres://u@db:5432/predictions',
    required: true,
    schema: 'house_price',
    batchSize: 50,
    flushIntervalMs: 20,
    maxQueueRecords: 1000,
    journalDir: '/var/journal',
  });
  t.deepEqual(config.log, {
    level: 'warn',
    inputs: false,
    redact: ['inputs[*].Neighborhood', 'inputs[*].Id'],
  });
  t.is(config.http.bodyLimitBytes, 2048);
  t.is(config.http.maxRecords, 10);
});

test('every problem is reported, each naming its variable and the reason', (t) => {
  const error = t.throws(
    () =>
      parseServeConfig({
        PORT: 'eighty',
        MODEL_VARIANT: 'canary',
        BATCH_SIZE: '0',
        STORE_SCHEMA: 'Robert"); DROP TABLE',
        STORE_REQUIRED: 'maybe',
        DATABASE_URL: 'mysql://x',
        LOG_LEVEL: 'loud',
      }),
    { instanceOf: ConfigError },
  );
  const text = error.problems.join('\n');
  t.regex(text, /^MODEL_ARTIFACT: required/m);
  t.regex(text, /^PORT: must be an integer from 0 to 65535 \(got "eighty"\)/m);
  t.regex(text, /^MODEL_VARIANT: must be one of master, candidate \(got "canary"\)/m);
  t.regex(text, /^BATCH_SIZE: must be an integer from 1/m);
  t.regex(text, /^STORE_SCHEMA: must be a lower-case SQL identifier/m);
  t.regex(text, /^STORE_REQUIRED: must be true or false/m);
  t.regex(text, /^DATABASE_URL: must start with postgres:\/\//m);
  t.regex(text, /^LOG_LEVEL: must be one of/m);
  t.is(error.problems.length, 8);
});

test('STORE_REQUIRED needs a DATABASE_URL, and the queue cap must hold a batch', (t) => {
  const error = t.throws(
    () => parseServeConfig({ ...minimal, STORE_REQUIRED: '1', BATCH_SIZE: '100', MAX_QUEUE_RECORDS: '10' }),
    { instanceOf: ConfigError },
  );
  t.deepEqual(error.problems, [
    'STORE_REQUIRED: is true but DATABASE_URL is not set',
    'MAX_QUEUE_RECORDS: must be at least BATCH_SIZE (100)',
  ]);
});

test('flags map onto variables; unknown flags and missing values are errors', (t) => {
  t.deepEqual(flagsToEnv(['--port', '81', '--model-artifact=/a.json'], SERVE_ENV_VARS), {
    PORT: '81',
    MODEL_ARTIFACT: '/a.json',
  });
  t.throws(() => flagsToEnv(['--colour', 'red'], SERVE_ENV_VARS), { message: /--colour: unknown flag/ });
  t.throws(() => flagsToEnv(['--port'], SERVE_ENV_VARS), { message: /--port: needs a value/ });
  t.throws(() => flagsToEnv(['serve'], SERVE_ENV_VARS), { message: /serve: unexpected argument/ });
});
