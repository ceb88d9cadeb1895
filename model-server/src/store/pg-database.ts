import pg from 'pg';
import { applyMigrations, quoteIdentifier } from './migrations.js';
import type { PredictionDatabase, PredictionRow } from './types.js';

/** Connection settings of the PostgreSQL prediction store. */
export interface PgDatabaseOptions {
  url: string;
  schema: string;
  /** Limit for opening a connection, so an unreachable host fails fast into the journal. */
  connectTimeoutMs?: number;
  /** Limit for one statement (client and server side). */
  queryTimeoutMs?: number;
  /** Told about errors of idle connections (e.g. the server went away). */
  onIdleError?: (error: Error) => void;
}

const COLUMNS = 'record_id, request_id, model_name, model_version, variant, inputs, outputs, created_at';
const COLUMN_TYPES =
  'record_id uuid, request_id text, model_name text, model_version text, variant text, inputs jsonb, outputs jsonb, created_at timestamptz';

/**
 * PostgreSQL through `pg`. A batch is sent as one JSON parameter expanded by
 * `json_to_recordset`: one statement per batch, one serialisation in Node, rows inserted in
 * array order (so bigserial ids follow arrival order).
 */
export class PgPredictionDatabase implements PredictionDatabase {
  private readonly pool: pg.Pool;
  private readonly insertSql: string;

  constructor(private readonly options: PgDatabaseOptions) {
    const queryTimeout = options.queryTimeoutMs ?? 15_000;
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: 2,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 3_000,
      query_timeout: queryTimeout,
      statement_timeout: queryTimeout,
      idleTimeoutMillis: 30_000,
      application_name: 'model-server',
    });
    this.pool.on('error', (error) => options.onIdleError?.(error));
    const table = `${quoteIdentifier(options.schema)}.predictions`;
    this.insertSql =
      `INSERT INTO ${table} (${COLUMNS}) ` +
      `SELECT ${COLUMNS} FROM ROWS FROM (json_to_recordset($1::json) AS (${COLUMN_TYPES})) ` +
      `WITH ORDINALITY AS r(${COLUMNS}, ord) ORDER BY ord ` +
      `ON CONFLICT (record_id) DO NOTHING`;
  }

  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await applyMigrations(client, this.options.schema);
    } finally {
      client.release();
    }
  }

  async insert(rows: readonly PredictionRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const result = await this.pool.query(this.insertSql, [JSON.stringify(rows)]);
    return result.rowCount ?? 0;
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async end(): Promise<void> {
    await this.pool.end();
  }
}
