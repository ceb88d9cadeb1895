import type { PoolClient } from 'pg';

/** One schema change; `sql` receives the quoted schema name. Never edit a released migration. */
export interface Migration {
  version: number;
  name: string;
  sql: (schema: string) => string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'create predictions',
    sql: (s) => `
      CREATE TABLE ${s}.predictions (
        id            bigserial PRIMARY KEY,
        record_id     uuid NOT NULL,
        request_id    text NOT NULL,
        model_name    text NOT NULL,
        model_version text NOT NULL,
        variant       text NOT NULL,
        inputs        jsonb NOT NULL,
        outputs       jsonb NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX predictions_record_id_key ON ${s}.predictions (record_id);
      CREATE INDEX predictions_created_at_idx ON ${s}.predictions (created_at);
      CREATE INDEX predictions_model_variant_created_at_idx
        ON ${s}.predictions (model_name, model_version, variant, created_at);`,
  },
];

/** Double-quotes an SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Applies the migrations not yet recorded in `<schema>.schema_migrations`, in one transaction
 * under an advisory lock keyed by the schema name, so replicas starting together apply each
 * migration exactly once. Returns the versions applied by this call.
 */
export async function applyMigrations(
  client: PoolClient,
  schema: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  const s = quoteIdentifier(schema);
  const applied: number[] = [];
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`modelrollout.migrations.${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
         version    integer PRIMARY KEY,
         name       text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = await client.query<{ version: number }>(`SELECT version FROM ${s}.schema_migrations`);
    const doneVersions = new Set(done.rows.map((row) => row.version));
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (doneVersions.has(migration.version)) continue;
      await client.query(migration.sql(s));
      await client.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
