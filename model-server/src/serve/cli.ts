import { ConfigError, flagsToEnv } from '../config/env.js';
import { parseServeConfig, SERVE_ENV_VARS, type ServeConfig } from '../config/serve-config.js';
import { houseRecordJsonSchemaFor, loadModel, validateRecords } from '../model/index.js';
import { createPredictionSink } from '../store/factory.js';
import { buildServer, ServeState } from './app.js';
import { createLogger } from './logger.js';
import { nextSignal, shutDown } from './shutdown.js';

const USAGE = `usage: model-server serve [--flag value ...]

Serves a model artifact over HTTP. Configuration comes from environment variables; each can
also be given as a flag (MODEL_ARTIFACT -> --model-artifact):
  MODEL_ARTIFACT (required)  path of the model artifact JSON
  MODEL_VARIANT              master | candidate (default master)
  HOST, PORT                 listen address (default 0.0.0.0:8080)
  DATABASE_URL               PostgreSQL for the prediction store (none: predictions not stored)
  STORE_REQUIRED             /ready fails while the store is unreachable (default false)
  STORE_SCHEMA               schema of the predictions table (default public)
  BATCH_SIZE, FLUSH_INTERVAL_MS, MAX_QUEUE_RECORDS, JOURNAL_DIR
  BODY_LIMIT, MAX_RECORDS, REQUEST_TIMEOUT_MS, CONNECTION_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS
  LOG_LEVEL, LOG_INPUTS, LOG_REDACT (comma-separated pino paths)
  SHUTDOWN_DELAY_MS, SHUTDOWN_TIMEOUT_MS
See docs/model-server.md.`;

/** `model-server serve`: runs until SIGTERM/SIGINT, then stops gracefully. Returns the exit code. */
export async function serveMain(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let config: ServeConfig;
  try {
    config = parseServeConfig({ ...process.env, ...flagsToEnv(argv, SERVE_ENV_VARS) });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`model-server serve: ${error.message}\n`);
    return 2;
  }
  const logger = createLogger(config.log);
  const signal = nextSignal(['SIGTERM', 'SIGINT']);
  try {
    const model = await loadModel(config.modelArtifact);
    const sink = createPredictionSink(config.store, logger.child({ component: 'prediction-store' }));
    await sink.start();
    const state = new ServeState();
    const app = await buildServer({
      model,
      validateRecords: (body) => validateRecords(body, { naNotAllowed: model.naNotAllowed }),
      recordSchema: houseRecordJsonSchemaFor(model.naNotAllowed),
      variant: config.variant,
      sink,
      storeRequired: config.store.required,
      limits: config.http,
      logger,
      logInputs: config.log.inputs,
      state,
    });
    const address = await app.listen({ host: config.host, port: config.port });
    logger.info(
      {
        address,
        model_name: model.name,
        model_version: model.version,
        variant: config.variant,
        store: storeSummary(config),
      },
      'serving',
    );
    const received = await signal;
    logger.info({ signal: received }, 'stopping');
    const code = await shutDown({
      app,
      sink,
      state,
      delayMs: config.shutdownDelayMs,
      timeoutMs: config.shutdownTimeoutMs,
    });
    logger.info({ code, store: sink.stats() }, 'stopped');
    return code;
  } catch (error) {
    logger.fatal({ err: error }, 'model-server serve failed');
    return 1;
  } finally {
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
  }
}

function storeSummary(config: ServeConfig): string {
  if (config.store.databaseUrl === undefined) return 'off (DATABASE_URL not set)';
  return `postgres schema ${config.store.schema}, journal ${config.store.journalDir}`;
}
