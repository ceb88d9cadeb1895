import { spawnSync } from 'node:child_process';
import test from 'ava';
import { Registry } from 'prom-client';
import { ACCEPTED_PROMTOOL_FINDINGS } from '../../src/metrics/serve-metrics.js';
import type { PredictionRow, PredictionSink, StoreStats } from '../../src/store/types.js';
import { testServer } from './helpers.js';

const stats: StoreStats = {
  written: 5,
  journaled: 2,
  replayed: 2,
  dropped: 0,
  queued: 1,
  journalPending: 0,
  databaseUp: true,
};
const persistentSink: PredictionSink = {
  persistent: true,
  start: async () => undefined,
  enqueue: (_rows: readonly PredictionRow[]) => undefined,
  isReachable: async () => true,
  stats: () => stats,
  close: async () => undefined,
};

async function scrapeAfterTraffic(): Promise<string> {
  const app = await testServer({ registry: new Registry(), defaultMetrics: true, sink: persistentSink });
  const post = (payload: unknown) =>
    app.inject({ method: 'POST', url: '/v1/predictions', payload: payload as string });
  await post([{ GrLivArea: 1000 }, { GrLivArea: 2500 }, {}]);
  await post([{ GrLivArea: 'big' }]);
  await app.inject({ method: 'GET', url: '/nowhere' });
  const response = await app.inject({ method: 'GET', url: '/metrics' });
  t_contentType = response.headers['content-type'] as string;
  return response.body;
}
let t_contentType = '';

test('promtool check metrics finds nothing but the course gauge name', async (t) => {
  const text = await scrapeAfterTraffic();
  t.regex(t_contentType, /^text\/plain; version=0\.0\.4/);
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  t.is(result.error, undefined, 'promtool must be installed (Debian package prometheus)');
  const findings = (result.stdout + result.stderr).split('\n').filter((line) => line !== '');
  t.deepEqual(findings, ACCEPTED_PROMTOOL_FINDINGS);
  // Without that one name the scrape is clean: promtool exits 0.
  const others = text
    .split('\n')
    .filter((line) => !line.includes('house_price_gauge_dollars'))
    .join('\n');
  const clean = spawnSync('promtool', ['check', 'metrics'], { input: others, encoding: 'utf8' });
  t.is(clean.stdout + clean.stderr, '');
  t.is(clean.status, 0);
});

test('the course metric names and the labels the operator queries are exposed', async (t) => {
  const text = await scrapeAfterTraffic();
  const model = 'model_name="house-price",model_version="0.0.1",variant="candidate"';
  t.true(
    text.includes(
      `http_request_count_total{${model},method="POST",endpoint="/v1/predictions",status="200"} 1`,
    ),
  );
  t.true(
    text.includes(
      `http_request_count_total{${model},method="POST",endpoint="/v1/predictions",status="400"} 1`,
    ),
  );
  t.true(
    text.includes(`http_request_count_total{${model},method="GET",endpoint="unmatched",status="404"} 1`),
  );
  t.true(
    text.includes(
      `http_request_latency_seconds_bucket{le="+Inf",${model},method="POST",endpoint="/v1/predictions",status="200"} 1`,
    ),
  );
  // Two predictions (the record without GrLivArea was left out): 150,000 and 300,000.
  t.true(text.includes(`house_price_prediction_dollars_count{${model}} 2`));
  t.true(text.includes(`house_price_prediction_dollars_sum{${model}} 450000`));
  t.true(text.includes(`house_price_prediction_dollars_bucket{le="150000",${model}} 1`));
  t.true(text.includes(`house_price_prediction_dollars_bucket{le="300000",${model}} 2`));
  t.true(text.includes(`house_price_gauge_dollars{${model}} 300000`));
  t.true(text.includes(`model_version_details_info{${model}} 1`));
  t.true(text.includes(`prediction_store_records_total{${model},outcome="written"} 5`));
  t.true(text.includes(`prediction_store_records_total{${model},outcome="dropped"} 0`));
  t.true(text.includes(`prediction_store_pending_records{${model},location="memory"} 1`));
  t.true(text.includes(`prediction_store_up{${model}} 1`));
  t.regex(text, /^process_cpu_seconds_total /m);
  t.regex(text, /^nodejs_eventloop_lag_seconds /m);
});
