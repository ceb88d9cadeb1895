import pg from 'pg';
import { quoteIdentifier } from '../store/migrations.js';
import type { LiveData, LiveFeatureCounts, PredictionStoreReader, ShadowPairs } from './live-data.js';
import type { AssessmentScope } from './types.js';

/** Unpivot key of the prediction (features are numbered from 0). */
const PREDICTION = -1;
/** Shadow copies reach the candidate a little after the master answered; pair across this margin. */
const PAIR_MARGIN = "interval '5 minutes'";

/**
 * Reads the prediction store with PostgreSQL doing the aggregation in one parallel scan: each
 * row's inputs are decoded once (`jsonb_to_record` with only the profiled features), unpivoted
 * to (feature, value) pairs and counted, so a million stored rows come back as a few thousand
 * distinct values (plus the distinct predictions).
 */
export class PgPredictionReader implements PredictionStoreReader {
  private readonly pool: pg.Pool;
  private readonly table: string;

  constructor(url: string, schema: string, statementTimeoutMs = 300_000) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: 1,
      connectionTimeoutMillis: 5_000,
      statement_timeout: statementTimeoutMs,
      application_name: 'model-server assess',
      // Compiling this wide query costs seconds and saves nothing on a single pass.
      options: '-c jit=off',
    });
    this.table = `${quoteIdentifier(schema)}.predictions`;
  }

  async readLive(scope: AssessmentScope, features: readonly string[]): Promise<LiveData> {
    const columns = features.map((f) => `${quoteIdentifier(f)} jsonb`).join(', ');
    const pairs = [
      `(${PREDICTION}, t.outputs->'prediction')`,
      ...features.map((f, i) => `(${i}, r.${quoteIdentifier(f)})`),
    ].join(', ');
    const result = await this.pool.query<[number, unknown, number]>({
      text: `
        SELECT v.k, v.value, count(*)::float8
        FROM ${this.table} t,
             jsonb_to_record(t.inputs) AS r(${columns}),
             LATERAL (VALUES ${pairs}) AS v(k, value)
        WHERE t.model_name = $1 AND t.model_version = $2 AND t.variant = $3
          AND t.created_at >= $4 AND t.created_at < $5
        GROUP BY 1, 2`,
      values: [scope.model, scope.version, scope.variant, scope.from, scope.to],
      rowMode: 'array',
    });
    const counts = features.map((): LiveFeatureCounts => ({ values: new Map(), missing: 0 }));
    const predictions = new Map<number, number>();
    let rows = 0;
    for (const [k, value, n] of result.rows) {
      if (k === PREDICTION) {
        rows += n;
        if (typeof value === 'number') predictions.set(value, n);
      } else if (value === null || value === undefined) {
        counts[k].missing += n;
      } else {
        const key = typeof value === 'object' ? JSON.stringify(value) : (value as number | string | boolean);
        counts[k].values.set(key, n);
      }
    }
    return { rows, features: new Map(features.map((f, i) => [f, counts[i]])), predictions };
  }

  async readShadowPairs(scope: AssessmentScope): Promise<ShadowPairs | null> {
    if (scope.variant !== 'candidate') return null;
    // One row per master version with the pairs as two arrays: far cheaper to ship than a
    // million rows.
    const result = await this.pool.query<{ version: string; master: number[]; candidate: number[] }>({
      text: `
        WITH c AS (
          SELECT request_id, row_number() OVER (PARTITION BY request_id ORDER BY id) AS k,
                 (outputs->>'prediction')::float8 AS p
          FROM ${this.table}
          WHERE model_name = $1 AND model_version = $2 AND variant = 'candidate'
            AND created_at >= $3 AND created_at < $4),
        m AS (
          SELECT request_id, row_number() OVER (PARTITION BY request_id ORDER BY id) AS k,
                 (outputs->>'prediction')::float8 AS p, model_version
          FROM ${this.table}
          WHERE model_name = $1 AND variant = 'master'
            AND created_at >= $3::timestamptz - ${PAIR_MARGIN} AND created_at < $4::timestamptz + ${PAIR_MARGIN})
        SELECT m.model_version AS version, array_agg(m.p) AS master, array_agg(c.p) AS candidate
        FROM c JOIN m USING (request_id, k)
        WHERE m.p IS NOT NULL AND c.p IS NOT NULL
        GROUP BY m.model_version
        ORDER BY count(*) DESC`,
      values: [scope.model, scope.version, scope.from, scope.to],
    });
    if (result.rows.length === 0) return null;
    return {
      masterVersion: result.rows[0].version,
      master: Float64Array.from(result.rows.flatMap((row) => row.master)),
      candidate: Float64Array.from(result.rows.flatMap((row) => row.candidate)),
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
