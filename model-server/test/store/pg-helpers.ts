import { randomBytes } from 'node:crypto';
import { promises as fs, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sharedControlPlane } from '../../../test/cluster/index.js';

/** URL of the test run's shared PostgreSQL. */
export async function sharedPostgresUrl(): Promise<string> {
  return (await sharedControlPlane()).postgresUrl;
}

/** A schema name no other test uses. */
export function uniqueSchema(prefix = 'ms'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

const tempDirs: string[] = [];
process.on('exit', () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory under the system temp dir, removed when the test process exits. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

/** Runs one query on a short-lived connection. */
export async function query<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** The `inputs.Id` of every stored row, in insertion (bigserial) order. */
export async function storedIds(url: string, schema: string): Promise<number[]> {
  const rows = await query<{ seq: number }>(
    url,
    `SELECT (p.inputs->>'Id')::int AS seq FROM "${schema}".predictions p ORDER BY p.id`,
  );
  return rows.map((row) => row.seq);
}
