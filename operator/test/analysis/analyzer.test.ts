import net from 'node:net';
import test from 'ava';
import { sharedControlPlane, waitFor } from '../../../test/cluster/index.js';
import { requestCountQuery } from '../../src/analysis/checks/request-count.js';
import { shadowDivergence } from '../../src/analysis/checks/shadow-divergence.js';
import { MetricsAnalyzer } from '../../src/analysis/metrics-analyzer.js';
import { PrometheusProvider } from '../../src/analysis/prometheus-provider.js';
import { createMetricsProviderFactory } from '../../src/analysis/provider-factory.js';
import type { AnalysisTarget, CheckResult, CheckSpec } from '../../src/analysis/types.js';
import { serveModelMetrics, serveRouterMetrics, type MetricEndpoint } from './metric-endpoints.js';

const namespace = `analysis-${process.pid}`;
const job = namespace;
const endpoints: MetricEndpoint[] = [];
const analyzer = new MetricsAnalyzer(createMetricsProviderFactory({ timeoutMs: 5000 }));
let prometheusUrl = '';

const checks: CheckSpec[] = [
  { builtin: 'errorRate', max: 0.01 },
  { builtin: 'latencyP99', maxRatioToMaster: 1.25 },
  { builtin: 'predictionShift', max: 0.1 },
  { builtin: 'shadowDivergence', quantile: 0.95, max: 0.15 },
  {
    name: 'custom-success',
    query:
      'sum(rate(http_request_count_total{namespace="{{namespace}}",modeldeployment="{{name}}",variant="{{variant}}",model_version="{{version}}",status="200"}[{{interval}}]))',
    min: 1,
  },
];

function target(name: string, overrides: Partial<AnalysisTarget['settings']> = {}): AnalysisTarget {
  return {
    namespace,
    name,
    masterVersion: '1.0.0',
    candidateVersion: '1.1.0',
    mode: 'shadow',
    settings: {
      intervalSeconds: 10,
      minSampleCount: 50,
      prometheusAddress: prometheusUrl,
      checks,
      ...overrides,
    },
  };
}

const byName = (checks: CheckResult[]) => Object.fromEntries(checks.map((c) => [c.name, c]));
const near = (a: number | null, b: number) => a !== null && Math.abs(a - b) < 1e-6 * Math.max(1, Math.abs(b));

test.before(async () => {
  const plane = await sharedControlPlane();
  prometheusUrl = plane.prometheusUrl;
  const base = { requests: 10, errors: 0, latencySeconds: 0.02, prediction: 200_000 };
  const versions = { masterVersion: '1.0.0', candidateVersion: '1.1.0', pairs: 10 };
  const deployments = {
    good: [
      serveModelMetrics({ ...base, variant: 'master', version: '1.0.0' }),
      serveModelMetrics({
        ...base,
        variant: 'candidate',
        version: '1.1.0',
        latencySeconds: 0.022,
        prediction: 205_000,
      }),
      serveRouterMetrics({ ...versions, relativeDifference: 0.008 }),
    ],
    bad: [
      serveModelMetrics({ ...base, variant: 'master', version: '1.0.0' }),
      serveModelMetrics({
        ...base,
        variant: 'candidate',
        version: '1.1.0',
        errors: 5,
        latencySeconds: 0.2,
        prediction: 260_000,
      }),
      serveRouterMetrics({ ...versions, relativeDifference: 0.4 }),
    ],
  };
  const targets = [];
  for (const [name, starting] of Object.entries(deployments)) {
    for (const endpoint of await Promise.all(starting)) {
      endpoints.push(endpoint);
      targets.push({
        address: endpoint.address,
        labels: { namespace, modeldeployment: name, pod: endpoint.address },
      });
    }
  }
  await plane.prometheus.setTargets(job, targets);
  // Wait until the 10 s window is full: 10 requests per 1 s scrape gives about 100 samples.
  const provider = new PrometheusProvider({ address: prometheusUrl });
  // Requests and shadow pairs are scraped from different endpoints: wait for both.
  const samples = async (name: string) => {
    const ctx = { ...target(name), intervalSeconds: 10 };
    const requests = await provider.queryValue(requestCountQuery(ctx));
    const pairs = await provider.queryValue(shadowDivergence.samplesQuery!({}, ctx));
    return Math.min(requests, pairs);
  };
  await waitFor(
    'a full analysis window of samples',
    async () => (Math.min(await samples('good'), await samples('bad')) >= 90 ? true : undefined),
    { timeoutMs: 90_000, intervalMs: 500 },
  );
});

test.after.always(async () => {
  const plane = await sharedControlPlane();
  await plane.prometheus.setTargets(job, []);
  await Promise.all(endpoints.map((e) => e.close()));
});

test('a healthy candidate passes every check with values, thresholds and samples', async (t) => {
  const result = await analyzer.analyze(target('good'));
  const c = byName(result.checks);
  t.is(result.verdict, 'pass', JSON.stringify(result.checks, null, 1));
  t.is(c.errorRate.candidate, 0);
  t.is(c.errorRate.threshold, '<= 0.01');
  t.true(c.errorRate.samples >= 80 && c.errorRate.samples <= 130, `samples ${c.errorRate.samples}`);
  t.true(c.latencyP99.candidate! > 0.01 && c.latencyP99.candidate! <= 0.025);
  t.true(near(c.latencyP99.candidate, c.latencyP99.master!), 'same bucket, same interpolated p99');
  t.true(near(c.predictionShift.candidate, 205_000));
  t.true(near(c.predictionShift.master, 200_000));
  t.is(c.predictionShift.reason, 'relative shift 0.025');
  t.true(c.shadowDivergence.candidate! > 0.005 && c.shadowDivergence.candidate! <= 0.01);
  t.is(c.shadowDivergence.threshold, 'p95 <= 0.15');
  t.true(c['custom-success'].candidate! > 5, 'about 10 successful requests per second');
  t.regex(result.time, /^\d{4}-\d\d-\d\dT/);
});

test('a bad candidate fails errorRate, latencyP99, predictionShift and shadowDivergence', async (t) => {
  const result = await analyzer.analyze(target('bad'));
  const c = byName(result.checks);
  t.is(result.verdict, 'fail');
  for (const name of ['errorRate', 'latencyP99', 'predictionShift', 'shadowDivergence']) {
    t.is(c[name].verdict, 'fail', `${name}: ${JSON.stringify(c[name])}`);
  }
  t.true(c.errorRate.candidate! > 0.4 && c.errorRate.candidate! < 0.6, `error rate ${c.errorRate.candidate}`);
  t.true(c.latencyP99.candidate! > 0.1 && c.latencyP99.master! < 0.025);
  t.true(near(c.predictionShift.candidate, 260_000));
  t.true(c.shadowDivergence.candidate! > 0.25);
  t.is(c['custom-success'].verdict, 'pass');
});

test('fewer samples than minSampleCount is inconclusive, never pass', async (t) => {
  const result = await analyzer.analyze(target('good', { minSampleCount: 100_000 }));
  t.is(result.verdict, 'inconclusive');
  for (const check of result.checks) {
    t.is(check.verdict, 'inconclusive');
    t.regex(check.reason ?? '', /thin data: \d+ candidate samples < minSampleCount 100000/);
  }
});

test('a version with no data is inconclusive', async (t) => {
  const result = await analyzer.analyze({ ...target('good'), candidateVersion: '9.9.9' });
  t.is(result.verdict, 'inconclusive');
  t.true(result.checks.every((c) => c.verdict === 'inconclusive'));
  t.is(byName(result.checks).latencyP99.reason, 'no data for candidate');
});

test('shadowDivergence is skipped in canary mode', async (t) => {
  const result = await analyzer.analyze({ ...target('good'), mode: 'canary' });
  const c = byName(result.checks).shadowDivergence;
  t.is(c.verdict, 'pass');
  t.regex(c.reason ?? '', /not evaluated in canary mode/);
  t.is(result.verdict, 'pass');
});

test('no checks: the sample count alone decides', async (t) => {
  const enough = await analyzer.analyze(target('good', { checks: [] }));
  t.is(enough.verdict, 'pass');
  t.is(enough.checks[0].name, 'requestCount');
  t.true(enough.checks[0].candidate! >= 80);
  const thin = await analyzer.analyze(target('good', { checks: [], minSampleCount: 100_000 }));
  t.is(thin.verdict, 'inconclusive');
});

test('an unreachable Prometheus makes every check inconclusive', async (t) => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  const result = await analyzer.analyze(target('bad', { prometheusAddress: `http://127.0.0.1:${port}` }));
  t.is(result.verdict, 'inconclusive');
  for (const check of result.checks) t.regex(check.reason ?? '', /metrics provider unreachable/);
});

test('a bad custom query or address is inconclusive with a reason naming it', async (t) => {
  const result = await analyzer.analyze(
    target('good', {
      checks: [
        { name: 'typo', query: 'x{a="{{nmae}}"}', max: 1 },
        { name: 'syntax', query: 'sum(', max: 1 },
      ],
    }),
  );
  const c = byName(result.checks);
  t.is(c.typo.verdict, 'inconclusive');
  t.regex(c.typo.reason ?? '', /checks\[0\]\.query: unknown placeholder \{\{nmae\}\}/);
  t.regex(c.syntax.reason ?? '', /candidate query failed: .*bad_data/);
  const badAddress = await analyzer.analyze(target('good', { prometheusAddress: 'not a url' }));
  t.is(badAddress.verdict, 'inconclusive');
  t.regex(badAddress.checks[0].reason ?? '', /spec.analysis.prometheus.address/);
});
