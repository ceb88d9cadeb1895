import os from 'node:os';
import path from 'node:path';
import { ConfigError, EnvReader } from './env.js';

export type Variant = 'master' | 'candidate';
export const VARIANTS: readonly Variant[] = ['master', 'candidate'];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Everything `model-server serve` reads from its environment. */
export interface ServeConfig {
  host: string;
  port: number;
  modelArtifact: string;
  variant: Variant;
  http: HttpLimits;
  store: StoreConfig;
  log: LogConfig;
  /** Time between failing readiness and closing the listener on SIGTERM (lets endpoints update). */
  shutdownDelayMs: number;
  /** Hard limit for the whole shutdown; the process exits non-zero if it is exceeded. */
  shutdownTimeoutMs: number;
}

/** Limits that protect the HTTP server from oversized or slow clients. */
export interface HttpLimits {
  bodyLimitBytes: number;
  maxRecords: number;
  /** Time allowed to receive a whole request. */
  requestTimeoutMs: number;
  /** Idle socket timeout. */
  connectionTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

/** Where and how predictions are persisted. */
export interface StoreConfig {
  /** PostgreSQL connection string; without it predictions are not stored. */
  databaseUrl?: string;
  /** When true, /ready fails while the store cannot be reached. */
  required: boolean;
  schema: string;
  batchSize: number;
  flushIntervalMs: number;
  /** Records held in memory before they spill to the journal. */
  maxQueueRecords: number;
  journalDir: string;
}

/** What the per-request log line contains. */
export interface LogConfig {
  level: LogLevel;
  /** Log the model inputs of each prediction request. */
  inputs: boolean;
  /** pino redaction paths, e.g. `inputs[*].Neighborhood`. */
  redact: string[];
}

/** Every variable `parseServeConfig` reads; also accepted as `--flags` by `serve`. */
export const SERVE_ENV_VARS = [
  'HOST',
  'PORT',
  'MODEL_ARTIFACT',
  'MODEL_VARIANT',
  'BODY_LIMIT',
  'MAX_RECORDS',
  'REQUEST_TIMEOUT_MS',
  'CONNECTION_TIMEOUT_MS',
  'KEEP_ALIVE_TIMEOUT_MS',
  'DATABASE_URL',
  'STORE_REQUIRED',
  'STORE_SCHEMA',
  'BATCH_SIZE',
  'FLUSH_INTERVAL_MS',
  'MAX_QUEUE_RECORDS',
  'JOURNAL_DIR',
  'LOG_LEVEL',
  'LOG_INPUTS',
  'LOG_REDACT',
  'SHUTDOWN_DELAY_MS',
  'SHUTDOWN_TIMEOUT_MS',
] as const;

const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Validates the environment; throws ConfigError naming every bad variable and why. */
export function parseServeConfig(env: Readonly<Record<string, string | undefined>>): ServeConfig {
  const read = new EnvReader(env);
  const variant = read.oneOf('MODEL_VARIANT', 'master', VARIANTS);
  const databaseUrl = read.optionalString('DATABASE_URL');
  if (databaseUrl !== undefined) {
    read.check('DATABASE_URL', /^postgres(ql)?:\/\//.test(databaseUrl), 'must start with postgres://');
  }
  const schema = read.string('STORE_SCHEMA', 'public');
  read.check(
    'STORE_SCHEMA',
    SQL_IDENTIFIER.test(schema),
    'must be a lower-case SQL identifier ([a-z_][a-z0-9_]*)',
  );
  const required = read.boolean('STORE_REQUIRED', false);
  read.check('STORE_REQUIRED', !required || databaseUrl !== undefined, 'is true but DATABASE_URL is not set');
  const batchSize = read.integer('BATCH_SIZE', 200, 1, 10_000);
  const config: ServeConfig = {
    host: read.string('HOST', '0.0.0.0'),
    port: read.integer('PORT', 8080, 0, 65_535),
    modelArtifact: read.requiredString('MODEL_ARTIFACT', 'path of the model artifact JSON'),
    variant,
    http: {
      bodyLimitBytes: read.integer('BODY_LIMIT', 1_048_576, 1_024, 104_857_600),
      maxRecords: read.integer('MAX_RECORDS', 1_000, 1, 100_000),
      requestTimeoutMs: read.integer('REQUEST_TIMEOUT_MS', 10_000, 100, 600_000),
      connectionTimeoutMs: read.integer('CONNECTION_TIMEOUT_MS', 60_000, 100, 3_600_000),
      keepAliveTimeoutMs: read.integer('KEEP_ALIVE_TIMEOUT_MS', 72_000, 100, 3_600_000),
    },
    store: {
      databaseUrl,
      required,
      schema,
      batchSize,
      flushIntervalMs: read.integer('FLUSH_INTERVAL_MS', 200, 1, 60_000),
      maxQueueRecords: read.integer('MAX_QUEUE_RECORDS', 50_000, 1, 10_000_000),
      journalDir: read.string('JOURNAL_DIR', path.join(os.tmpdir(), 'model-server', `journal-${variant}`)),
    },
    log: {
      level: read.oneOf('LOG_LEVEL', 'info', LOG_LEVELS),
      inputs: read.boolean('LOG_INPUTS', true),
      redact: read.list('LOG_REDACT'),
    },
    shutdownDelayMs: read.integer('SHUTDOWN_DELAY_MS', 0, 0, 300_000),
    shutdownTimeoutMs: read.integer('SHUTDOWN_TIMEOUT_MS', 25_000, 100, 3_600_000),
  };
  read.check(
    'MAX_QUEUE_RECORDS',
    config.store.maxQueueRecords >= batchSize,
    `must be at least BATCH_SIZE (${batchSize})`,
  );
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
}
