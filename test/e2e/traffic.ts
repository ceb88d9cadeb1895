/** Realistic load for end-to-end runs: records from the Kaggle test set, at a steady rate. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { Agent, request } from 'undici';
import { waitFor } from '../cluster/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** House records of test.csv as a client would send them (`NA` → null, numbers as numbers). */
export function testRecords(): Record<string, unknown>[] {
  const rows = parse(fs.readFileSync(path.join(repoRoot, 'model-server/data/test.csv')), {
    columns: true,
    skip_empty_lines: true,
  }) as Record<string, string>[];
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [k, v === 'NA' ? null : /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v]),
    ),
  );
}

/** Counts of what the load generator saw. */
export interface TrafficStats {
  sent: number;
  byStatus: Record<string, number>;
  byVersion: Record<string, number>;
  errors: number;
  /** A few distinct client-side error messages, for diagnosis. */
  errorSamples: string[];
}

/** A steady stream of single-record predictions to `address` (host:port) until stop(), cycling through `records`. */
export function startTraffic(
  address: string,
  ratePerSecond = 40,
  records: readonly Record<string, unknown>[] = testRecords(),
): { stats: TrafficStats; stop(): Promise<void> } {
  const dispatcher = new Agent({ connections: 16, keepAliveTimeout: 10_000 });
  const stats: TrafficStats = { sent: 0, byStatus: {}, byVersion: {}, errors: 0, errorSamples: [] };
  const inFlight = new Set<Promise<void>>();
  let i = 0;
  const tick = setInterval(() => {
    if (inFlight.size > 200) return; // the target is down or slow: do not pile up
    const record = records[i++ % records.length];
    stats.sent++;
    const call = request(`http://${address}/v1/predictions`, {
      method: 'POST',
      dispatcher,
      headers: { 'content-type': 'application/json', 'x-request-id': `e2e-${i}` },
      body: JSON.stringify([record]),
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    })
      .then(async (res) => {
        stats.byStatus[res.statusCode] = (stats.byStatus[res.statusCode] ?? 0) + 1;
        const version = res.headers['x-model-version'];
        if (typeof version === 'string') stats.byVersion[version] = (stats.byVersion[version] ?? 0) + 1;
        await res.body.dump();
      })
      .catch((error: Error) => {
        stats.errors++;
        const sample = `${new Date().toISOString()} ${error.message}`;
        if (stats.errorSamples.length < 5) stats.errorSamples.push(sample);
      })
      .finally(() => inFlight.delete(call));
    inFlight.add(call);
  }, 1000 / ratePerSecond);
  return {
    stats,
    async stop() {
      clearInterval(tick);
      await Promise.allSettled([...inFlight]);
      await dispatcher.close();
    },
  };
}

/** Resolves once `address` answers a prediction with 200 (the router and master are serving). */
export async function waitUntilServing(address: string, timeoutMs = 120_000): Promise<void> {
  const [record] = testRecords();
  await waitFor(
    `predictions answered at ${address}`,
    async () => {
      const res = await request(`http://${address}/v1/predictions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([record]),
      });
      await res.body.dump();
      return res.statusCode === 200 ? true : undefined;
    },
    { timeoutMs, intervalMs: 250 },
  );
}
