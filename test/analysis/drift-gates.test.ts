/**
 * The inputDrift and predictionDrift gates against a real Prometheus scraping real model-servers:
 * the PromQL statistics equal the PSI and KS computed here from the records sent and the
 * predictions answered, are small for in-distribution traffic and large for drifted traffic,
 * and the analyzer judges them (and the thin-data rule) as the operator would.
 */
import { randomBytes } from 'node:crypto';
import test from 'ava';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import type { CheckContext } from '../../operator/src/analysis/checks/check.js';
import { psiByFeatureQuery } from '../../operator/src/analysis/checks/input-drift.js';
import { MetricsAnalyzer } from '../../operator/src/analysis/metrics-analyzer.js';
import { createMetricsProviderFactory } from '../../operator/src/analysis/provider-factory.js';
import type { AnalysisTarget, CheckResult } from '../../operator/src/analysis/types.js';
import { PRICE_BUCKETS } from '../../model-server/src/metrics/serve-metrics.js';
import { profileBins } from '../../model-server/src/model/profile-bins.js';
import type { Model } from '../../model-server/src/model/types.js';
import { normalizeRecord } from '../../model-server/src/serve/record-normalizer.js';
import { realModel, testRecords, testServer } from '../../model-server/test/serve/helpers.js';
import { promQuery, sharedControlPlane, waitFor } from '../cluster/index.js';

type HouseRecord = Record<string, unknown>;

/** Smallest share a bin counts with, as in the drift report's PSI. */
const FLOOR = 1e-4;

/** PSI as the drift report computes it: shares floored at FLOOR, Σ (a − e) ln(a / e). */
function psi(live: readonly number[], training: readonly number[]): number {
  const liveTotal = live.reduce((a, b) => a + b, 0);
  const trainingTotal = training.reduce((a, b) => a + b, 0);
  let sum = 0;
  for (let i = 0; i < live.length; i++) {
    const a = Math.max(live[i] / liveTotal, FLOOR);
    const e = Math.max(training[i] / trainingTotal, FLOOR);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}

/** PSI of every profiled feature of `model` for `records` (as clients send them). */
function psiByFeature(model: Model, records: readonly HouseRecord[]): Map<string, number> {
  const normalized = records.map((r) => normalizeRecord(r)!);
  const out = new Map<string, number>();
  for (const feature of profileBins(model.profile)) {
    const counts = new Array<number>(feature.labels.length).fill(0);
    for (const record of normalized) counts[feature.binOf(record[feature.feature])]++;
    out.set(feature.feature, psi(counts, feature.trainingCounts));
  }
  return out;
}

/** Cumulative share of `values` at or below each bucket bound of the prediction histogram. */
function bucketCdf(values: readonly number[]): number[] {
  return PRICE_BUCKETS.map((le) => values.filter((v) => v <= le).length / values.length);
}

/** Two-sample KS statistic on the histogram's bucket bounds, and the bound where it is reached. */
function bucketKs(a: readonly number[], b: readonly number[]): { ks: number; le: number } {
  const fa = bucketCdf(a);
  const fb = bucketCdf(b);
  let best = { ks: 0, le: Infinity };
  fa.forEach((f, i) => {
    const gap = Math.abs(f - fb[i]);
    if (gap > best.ks) best = { ks: gap, le: PRICE_BUCKETS[i] };
  });
  return best;
}

/** In-distribution records pushed off: lots five times as large, typical and good basements swapped. */
function drifted(records: readonly HouseRecord[]): HouseRecord[] {
  const swap: Record<string, string> = { TA: 'Gd', Gd: 'TA' };
  return records.map((r) => ({
    ...r,
    LotArea: (r.LotArea as number) * 5,
    BsmtQual: typeof r.BsmtQual === 'string' ? (swap[r.BsmtQual] ?? r.BsmtQual) : r.BsmtQual,
  }));
}

const near = (actual: number, expected: number, relative = 1e-9) =>
  Math.abs(actual - expected) <= relative * Math.max(Math.abs(expected), 1e-12);

interface Server {
  app: FastifyInstance;
  address: string;
  predictions: number[];
}

async function startServer(model: Model, variant: 'master' | 'candidate'): Promise<Server> {
  const app = await testServer({ model, variant, registry: new Registry() });
  const address = new URL(await app.listen({ host: '127.0.0.1', port: 0 })).host;
  return { app, address, predictions: [] };
}

/** Sends `records` in batches of 50 and keeps the predictions answered. */
async function send(server: Server, records: readonly HouseRecord[]): Promise<void> {
  for (let i = 0; i < records.length; i += 50) {
    const response = await server.app.inject({
      method: 'POST',
      url: '/v1/predictions',
      payload: records.slice(i, i + 50) as object[],
    });
    if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}: ${response.body}`);
    for (const p of response.json<{ predictions: (number | null)[] }>().predictions) {
      if (p !== null) server.predictions.push(p);
    }
  }
}

test('inputDrift and predictionDrift in PromQL equal PSI and KS computed from the same traffic', async (t) => {
  const plane = await sharedControlPlane();
  const namespace = `drift-${randomBytes(4).toString('hex')}`;
  const job = namespace;
  const master = await realModel('linear-baseline');
  // In distribution: a sound candidate. Drifted: the inputs pushed off, and a candidate whose
  // predictions run 50% high (trained on damaged labels).
  const candidates = { steady: await realModel('default-gbm'), drifted: await realModel('bad-gbm') };
  const servers = {
    steady: {
      master: await startServer(master, 'master'),
      candidate: await startServer(candidates.steady, 'candidate'),
    },
    drifted: {
      master: await startServer(master, 'master'),
      candidate: await startServer(candidates.drifted, 'candidate'),
    },
  };
  const all = Object.entries(servers).flatMap(([name, pair]) =>
    Object.values(pair).map((server) => ({ name, server })),
  );
  await plane.prometheus.setTargets(
    job,
    all.map(({ name, server }) => ({
      address: server.address,
      labels: { namespace, modeldeployment: name },
    })),
  );
  const value = async (expr: string) => {
    const [sample] = await promQuery(plane.prometheusUrl, expr);
    return sample === undefined ? undefined : Number(sample.value[1]);
  };
  try {
    // Traffic only after every series has been scraped at zero: increase() then counts it all.
    const scraped = (metric: string) => value(`count(count by (instance) (${metric}{job="${job}"}))`);
    await waitFor(
      'a first scrape of every server',
      async () =>
        (await scraped('house_price_input_records_total')) === 4 &&
        (await scraped('house_price_prediction_dollars_count')) === 4
          ? true
          : undefined,
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    const houses = await testRecords();
    const shifted = drifted(houses);
    await send(servers.steady.master, houses);
    await send(servers.steady.candidate, houses);
    await send(servers.drifted.master, houses);
    await send(servers.drifted.candidate, shifted);
    for (const { name, server } of all) {
      const variant = server === servers[name as keyof typeof servers].master ? 'master' : 'candidate';
      await waitFor(
        `Prometheus has every prediction of ${name}/${variant}`,
        async () =>
          (await value(
            `sum(house_price_prediction_dollars_count{job="${job}",modeldeployment="${name}",variant="${variant}"})`,
          )) === server.predictions.length
            ? true
            : undefined,
        { timeoutMs: 30_000, intervalMs: 250 },
      );
    }

    // A window covering the servers' whole life: every counter starts from its scraped zero.
    const ctx = (name: keyof typeof servers): CheckContext => ({
      namespace,
      name,
      masterVersion: master.version,
      candidateVersion: candidates[name].version,
      intervalSeconds: 900,
      mode: 'shadow',
    });
    const promPsi = async (name: keyof typeof servers) => {
      const rows = await promQuery(plane.prometheusUrl, psiByFeatureQuery(ctx(name), 'candidate'));
      return new Map(rows.map((r) => [r.metric.feature, Number(r.value[1])]));
    };
    const expectedPsi = {
      steady: psiByFeature(candidates.steady, houses),
      drifted: psiByFeature(candidates.drifted, shifted),
    };
    for (const name of ['steady', 'drifted'] as const) {
      const measured = await promPsi(name);
      t.deepEqual([...measured.keys()].sort(), [...expectedPsi[name].keys()].sort(), name);
      for (const [feature, expected] of expectedPsi[name]) {
        const got = measured.get(feature)!;
        t.true(near(got, expected), `${name} ${feature}: PromQL ${got} vs TS ${expected}`);
      }
    }
    const worst = (m: Map<string, number>) => [...m].reduce((a, b) => (b[1] > a[1] ? b : a));
    const [steadyFeature, steadyPsi] = worst(expectedPsi.steady);
    const [driftedFeature, driftedPsi] = worst(expectedPsi.drifted);
    t.log(
      `largest PSI in-distribution ${steadyPsi.toFixed(4)} (${steadyFeature}), drifted ${driftedPsi.toFixed(3)} (${driftedFeature})`,
    );
    t.true(steadyPsi < 0.1, `in-distribution PSI ${steadyPsi}`);
    t.true(driftedPsi > 1, `drifted PSI ${driftedPsi}`);
    t.true(['LotArea', 'BsmtQual'].includes(driftedFeature));

    const expectedKs = {
      steady: bucketKs(servers.steady.candidate.predictions, servers.steady.master.predictions),
      drifted: bucketKs(servers.drifted.candidate.predictions, servers.drifted.master.predictions),
    };
    t.log(
      `KS in-distribution ${expectedKs.steady.ks.toFixed(4)}, drifted ${expectedKs.drifted.ks.toFixed(4)}`,
    );
    t.true(expectedKs.steady.ks < 0.1, `in-distribution KS ${expectedKs.steady.ks}`);
    t.true(expectedKs.drifted.ks > 0.2, `drifted KS ${expectedKs.drifted.ks}`);

    // The analyzer, as the operator runs it, on the same data.
    const analyzer = new MetricsAnalyzer(createMetricsProviderFactory({ timeoutMs: 10_000 }));
    const analyse = async (name: keyof typeof servers, minSampleCount: number) => {
      const target: AnalysisTarget = {
        ...ctx(name),
        settings: {
          intervalSeconds: 900,
          minSampleCount,
          prometheusAddress: plane.prometheusUrl,
          checks: [
            { builtin: 'inputDrift', max: 0.2 },
            { builtin: 'predictionDrift', max: 0.2 },
          ],
        },
      };
      const result = await analyzer.analyze(target);
      return Object.fromEntries(result.checks.map((c) => [c.name, c])) as Record<string, CheckResult>;
    };
    const steady = await analyse('steady', 20);
    t.like(steady.inputDrift, {
      verdict: 'pass',
      threshold: 'PSI <= 0.2',
      reason: `worst feature ${steadyFeature}`,
    });
    t.true(near(steady.inputDrift.candidate!, steadyPsi), `${steady.inputDrift.candidate} vs ${steadyPsi}`);
    // Sample counts are increase()s, extrapolated to the end of the window by up to one scrape
    // interval, which is a large share of these servers' short lives: only the order of magnitude
    // (requests, not records) is certain.
    const about = (samples: number, sent: number) => samples >= sent && samples < sent * 2;
    t.true(about(steady.inputDrift.samples, Math.ceil(houses.length / 50)), 'samples: candidate requests');
    t.like(steady.predictionDrift, { verdict: 'pass', threshold: 'KS <= 0.2' });
    t.true(near(steady.predictionDrift.candidate!, expectedKs.steady.ks));
    const fewer = Math.min(
      servers.steady.candidate.predictions.length,
      servers.steady.master.predictions.length,
    );
    t.true(about(steady.predictionDrift.samples, fewer), 'samples: predictions of the thinner side');

    const bad = await analyse('drifted', 20);
    t.is(bad.inputDrift.verdict, 'fail');
    t.true(near(bad.inputDrift.candidate!, driftedPsi));
    t.regex(bad.inputDrift.reason!, new RegExp(`> max 0\\.2 \\(worst feature ${driftedFeature}\\)$`));
    t.is(bad.predictionDrift.verdict, 'fail');
    t.true(near(bad.predictionDrift.candidate!, expectedKs.drifted.ks));
    const gapAt = /largest gap at le=(\S+)\)$/.exec(bad.predictionDrift.reason ?? '')?.[1];
    t.is(Number(gapAt), expectedKs.drifted.le, bad.predictionDrift.reason);

    // Thin data: inconclusive, though the values would fail.
    const thin = await analyse('drifted', 100_000);
    for (const check of Object.values(thin)) {
      t.is(check.verdict, 'inconclusive', check.name);
      t.regex(check.reason ?? '', /^thin data/);
    }
    // The master's side of predictionDrift counts too: a deployment whose master served nothing.
    const noMaster = await analyzer.analyze({
      ...ctx('drifted'),
      masterVersion: '9.9.9',
      settings: {
        intervalSeconds: 900,
        minSampleCount: 20,
        prometheusAddress: plane.prometheusUrl,
        checks: [{ builtin: 'predictionDrift', max: 0.2 }],
      },
    });
    t.is(noMaster.checks[0].verdict, 'inconclusive');
    t.regex(noMaster.checks[0].reason ?? '', /^no data/);
  } finally {
    await plane.prometheus.setTargets(job, []);
    await Promise.all(all.map(({ server }) => server.app.close()));
  }
});
