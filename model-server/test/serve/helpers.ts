import { access } from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { readPayload } from '../../src/diff/payloads.js';
import { houseRecordJsonSchemaFor, loadModel, validateRecords } from '../../src/model/index.js';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import type { Model, PredictionBatch } from '../../src/model/types.js';
import { buildServer, type ServeDeps } from '../../src/serve/app.js';
import { BatchWriter } from '../../src/store/batch-writer.js';
import { FileJournal } from '../../src/store/file-journal.js';
import { NullSink } from '../../src/store/null-sink.js';
import { PgPredictionDatabase } from '../../src/store/pg-database.js';

/** A tiny pure stand-in model for unit tests: price = 100 × GrLivArea + 50,000. */
export function standInModel(version = '0.0.1'): Model {
  return {
    name: 'house-price',
    version,
    kind: 'linear',
    features: ['GrLivArea'],
    metrics: { rmse: 1, rmsle: 0.1, r2: 0.9, trainRows: 10, testRows: 2 },
    profile: {} as Model['profile'],
    naNotAllowed: [],
    description: 'stand-in model for unit tests',
    sha256: '0'.repeat(64),
    predict(records): PredictionBatch {
      const batch: PredictionBatch = { predictions: [], errors: [] };
      records.forEach((record, index) => {
        const area = record.GrLivArea;
        if (typeof area !== 'number') {
          batch.predictions.push(null);
          batch.errors.push({ index, field: 'GrLivArea', reason: 'missing' });
        } else batch.predictions.push(100 * area + 50_000);
      });
      return batch;
    },
  };
}

/** Builds a serve app with defaults suited to unit tests (no default metrics, silent log). */
export async function testServer(overrides: Partial<ServeDeps> = {}): Promise<FastifyInstance> {
  const model = overrides.model ?? standInModel();
  return buildServer({
    model,
    validateRecords: (body) => validateRecords(body, { naNotAllowed: model.naNotAllowed }),
    recordSchema: houseRecordJsonSchemaFor(model.naNotAllowed),
    variant: 'candidate',
    sink: new NullSink(),
    storeRequired: false,
    limits: {
      bodyLimitBytes: 1_048_576,
      maxRecords: 1_000,
      requestTimeoutMs: 10_000,
      connectionTimeoutMs: 60_000,
      keepAliveTimeoutMs: 72_000,
    },
    logger: pino({ level: 'silent' }),
    logInputs: true,
    registry: new Registry(),
    defaultMetrics: false,
    ...overrides,
  });
}

/** Path of an artifact made by the training step (model-server/artifacts/NAME.json). */
export async function artifactPath(name = 'course-gbm'): Promise<string> {
  const file = path.resolve(import.meta.dirname, '../../artifacts', `${name}.json`);
  await access(file).catch(() => {
    throw new Error(`missing ${file}: train the models first (scripts/train-models.sh)`);
  });
  return file;
}

/** The real trained model, for tests that must exercise it (fuzzing, persistence, scraping). */
export async function realModel(name = 'course-gbm'): Promise<Model> {
  return loadModel(await artifactPath(name));
}

/** Records of the Kaggle test file (course spelling as sent by clients: Kaggle spellings kept). */
export async function testRecords(): Promise<Record<string, unknown>[]> {
  return (await readPayload(path.resolve(import.meta.dirname, '../../data/test.csv'))).records;
}

/** A serve app whose predictions go to PostgreSQL through the real batched writer. */
export async function storeBackedServer(options: {
  url: string;
  schema: string;
  journalDir: string;
  model: Model;
  variant?: 'master' | 'candidate';
  batchSize?: number;
  flushIntervalMs?: number;
}): Promise<{ app: FastifyInstance; writer: BatchWriter }> {
  const writer = new BatchWriter(
    new PgPredictionDatabase({ url: options.url, schema: options.schema, connectTimeoutMs: 1000 }),
    new FileJournal({ dir: options.journalDir }),
    {
      batchSize: options.batchSize ?? 100,
      flushIntervalMs: options.flushIntervalMs ?? 50,
      maxQueueRecords: 10_000,
    },
  );
  await writer.start();
  const app = await testServer({
    model: options.model,
    sink: writer,
    variant: options.variant ?? 'candidate',
  });
  return { app, writer };
}
