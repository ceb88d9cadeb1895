import type { StoreConfig } from '../config/serve-config.js';
import { BatchWriter, type WriterLog } from './batch-writer.js';
import { FileJournal } from './file-journal.js';
import { NullSink } from './null-sink.js';
import { PgPredictionDatabase } from './pg-database.js';
import type { PredictionSink } from './types.js';

/** The prediction sink for a configuration: PostgreSQL with a journal, or none without DATABASE_URL. */
export function createPredictionSink(config: StoreConfig, log?: WriterLog): PredictionSink {
  if (config.databaseUrl === undefined) return new NullSink();
  const database = new PgPredictionDatabase({
    url: config.databaseUrl,
    schema: config.schema,
    onIdleError: (error) => log?.warn({ err: error }, 'idle prediction database connection failed'),
  });
  return new BatchWriter(database, new FileJournal({ dir: config.journalDir }), {
    batchSize: config.batchSize,
    flushIntervalMs: config.flushIntervalMs,
    maxQueueRecords: config.maxQueueRecords,
    log,
  });
}
