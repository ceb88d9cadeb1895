import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { finished } from 'node:stream/promises';
import { COPY_COLUMNS, copyText } from './copy-text.js';
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

/** Per-connection staging table for rows that may already be stored; emptied at each commit. */
const STAGING_TABLE =
  'CREATE TEMP TABLE IF NOT EXISTS prediction_staging (ord bigserial, record_id uuid, request_id text, ' +
  'model_name text, model_version text, variant text, inputs jsonb, outputs jsonb, created_at timestamptz) ' +
  'ON COMMIT DELETE ROWS';
const COPY_TO_STAGING = `COPY prediction_staging (${COPY_COLUMNS}) FROM STDIN`;

/**
 * PostgreSQL through `pg`, writing with COPY (about three times the rows per second of an INSERT
 * of a JSON array, as PostgreSQL parses each row's JSON once). Fresh rows are copied straight
 * into the table. Replayed rows, which may already be stored, are copied into a temporary table
 * and inserted from it with ON CONFLICT, in one transaction. Both keep the rows' order, so
 * bigserial ids follow arrival order.
 */
export class PgPredictionDatabase implements PredictionDatabase {
  private readonly pool: pg.Pool;
  private readonly copySql: string;
  private readonly insertFromStagingSql: string;
  private readonly queryTimeoutMs: number;

  constructor(private readonly options: PgDatabaseOptions) {
    this.queryTimeoutMs = options.queryTimeoutMs ?? 15_000;
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: 2,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 3_000,
      query_timeout: this.queryTimeoutMs,
      statement_timeout: this.queryTimeoutMs,
      idleTimeoutMillis: 30_000,
      application_name: 'model-server',
    });
    this.pool.on('error', (error) => options.onIdleError?.(error));
    const table = `${quoteIdentifier(options.schema)}.predictions`;
    this.copySql = `COPY ${table} (${COPY_COLUMNS}) FROM STDIN`;
    this.insertFromStagingSql =
      `INSERT INTO ${table} (${COPY_COLUMNS}) SELECT ${COPY_COLUMNS} FROM prediction_staging ` +
      `ORDER BY ord ON CONFLICT (record_id) DO NOTHING`;
  }

  async migrate(): Promise<void> {
    await this.withClient((client) => applyMigrations(client, this.options.schema));
  }

  async insert(rows: readonly PredictionRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    return this.withClient(async (client) => {
      await client.query(`BEGIN; ${STAGING_TABLE}`);
      await this.copy(client, COPY_TO_STAGING, rows);
      const result = await client.query(this.insertFromStagingSql);
      await client.query('COMMIT');
      return result.rowCount ?? 0;
    });
  }

  async insertNew(rows: readonly PredictionRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    return this.withClient((client) => this.copy(client, this.copySql, rows));
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async end(): Promise<void> {
    await this.pool.end();
  }

  /** Runs `work` on a pooled connection; a connection whose work failed is closed, not reused. */
  private async withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A lost connection also fails the running statement, which reports it; without a listener
    // the client's own 'error' event would crash the process (the pool listens only while idle).
    const ignore = () => undefined;
    client.on('error', ignore);
    try {
      const result = await work(client);
      client.release();
      return result;
    } catch (error) {
      client.release(error as Error);
      throw error;
    } finally {
      client.off('error', ignore);
    }
  }

  private async copy(client: pg.PoolClient, sql: string, rows: readonly PredictionRow[]): Promise<number> {
    const copy = client.query(copyFrom(sql));
    // query_timeout does not cover COPY: a hung server would hold the writer forever.
    const timer = setTimeout(
      () => copy.destroy(new Error(`COPY of ${rows.length} rows took over ${this.queryTimeoutMs} ms`)),
      this.queryTimeoutMs,
    );
    try {
      copy.end(copyText(rows));
      await finished(copy);
      return copy.rowCount;
    } finally {
      clearTimeout(timer);
    }
  }
}
