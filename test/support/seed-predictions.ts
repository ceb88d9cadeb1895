import type pg from 'pg';
import { applyMigrations, quoteIdentifier } from '../../model-server/src/store/migrations.js';

/** Stored predictions to generate, cycling through the given records. */
export interface SeedSpec {
  schema: string;
  model: string;
  version: string;
  variant: string;
  /** Inputs as the model-server stores them (course spelling). */
  records: readonly Record<string, unknown>[];
  /** Prediction for each record (null: left out by the model). */
  predictions: readonly (number | null)[];
  rows: number;
  /** Rows are spread evenly over [from, from + spanSeconds). */
  from: Date;
  spanSeconds: number;
  /** Row g gets request id `<requestPrefix>-<g>`: seeding master and candidate with one prefix makes shadow pairs. */
  requestPrefix: string;
}

/**
 * Writes `rows` prediction rows straight into the store's table with one INSERT ... SELECT (a
 * million rows take ~20 s), as a model-server would have stored them.
 */
export async function seedPredictions(client: pg.PoolClient, spec: SeedSpec): Promise<void> {
  await applyMigrations(client, spec.schema);
  const table = `${quoteIdentifier(spec.schema)}.predictions`;
  const seed = spec.records.map((inputs, i) => ({ inputs, prediction: spec.predictions[i] }));
  await client.query(
    `INSERT INTO ${table} (record_id, request_id, model_name, model_version, variant, inputs, outputs, created_at)
     SELECT gen_random_uuid(), $2 || '-' || g, $3, $4, $5, s.value->'inputs',
            CASE WHEN s.value->'prediction' = 'null'::jsonb
                 THEN jsonb_build_object('prediction', null, 'error', 'left out')
                 ELSE jsonb_build_object('prediction', s.value->'prediction') END,
            $6::timestamptz + ((g * $7::float8) / $1::int) * interval '1 second'
     FROM generate_series(0, $1::int - 1) g
     JOIN jsonb_array_elements($8::jsonb) WITH ORDINALITY AS s(value, ord) ON s.ord - 1 = g % $9::int`,
    [
      spec.rows,
      spec.requestPrefix,
      spec.model,
      spec.version,
      spec.variant,
      spec.from.toISOString(),
      spec.spanSeconds,
      JSON.stringify(seed),
      seed.length,
    ],
  );
}
