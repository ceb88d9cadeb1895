import net from 'node:net';
import test from 'ava';
import { sharedControlPlane, waitFor } from '../../../test/cluster/index.js';
import {
  NoDataError,
  ProviderUnreachableError,
  QueryError,
  TooManySeriesError,
} from '../../src/analysis/metrics-provider.js';
import { PrometheusProvider } from '../../src/analysis/prometheus-provider.js';
import { createMetricsProviderFactory } from '../../src/analysis/provider-factory.js';
import { serveModelMetrics, type MetricEndpoint } from './metric-endpoints.js';

const job = `provider-${process.pid}`;
const endpoints: MetricEndpoint[] = [];
let provider: PrometheusProvider;

test.before(async () => {
  const plane = await sharedControlPlane();
  provider = new PrometheusProvider({ address: plane.prometheusUrl, timeoutMs: 5000 });
  const traffic = { requests: 10, errors: 0, latencySeconds: 0.02, prediction: 200_000 };
  endpoints.push(await serveModelMetrics({ ...traffic, variant: 'master', version: '1.0.0' }));
  endpoints.push(await serveModelMetrics({ ...traffic, variant: 'candidate', version: '1.1.0' }));
  await plane.prometheus.setTargets(
    job,
    endpoints.map((e) => ({ address: e.address, labels: { namespace: job, modeldeployment: 'm' } })),
  );
  await waitFor(
    'Prometheus to scrape both endpoints twice',
    async () => {
      const q = `sum(increase(http_request_count_total{namespace="${job}",endpoint="/v1/predictions"}[30s]))`;
      return (await provider.queryValue(q).catch(() => 0)) >= 20 ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
});

test.after.always(async () => {
  const plane = await sharedControlPlane();
  await plane.prometheus.setTargets(job, []);
  await Promise.all(endpoints.map((e) => e.close()));
});

test('a query with one series yields its value', async (t) => {
  const up = await provider.queryValue(`count(up{job="${job}"} == 1)`);
  t.is(up, 2);
  const total = await provider.queryValue(
    `sum(http_request_count_total{namespace="${job}",variant="master",status="200"})`,
  );
  t.true(total >= 10 && total % 10 === 0, `scraped counter grows by 10 per scrape, got ${total}`);
});

test('scalar results are accepted', async (t) => {
  t.is(await provider.queryValue('scalar(vector(4.5))'), 4.5);
});

test('an empty result is NoDataError', async (t) => {
  const err = await t.throwsAsync(
    provider.queryValue(`sum(http_request_count_total{namespace="${job}-absent"})`),
    {
      instanceOf: NoDataError,
    },
  );
  t.regex(err.query, /-absent/);
});

test('NaN (a ratio over no requests) is NoDataError', async (t) => {
  await t.throwsAsync(provider.queryValue('vector(0) / 0'), { instanceOf: NoDataError });
});

test('several series where one was expected is TooManySeriesError', async (t) => {
  const err = await t.throwsAsync(provider.queryValue(`up{job="${job}"}`), {
    instanceOf: TooManySeriesError,
  });
  t.is(err.seriesCount, 2);
});

test('a bad query is QueryError with the Prometheus message', async (t) => {
  await t.throwsAsync(provider.queryValue('sum(rate(x[5m])'), {
    instanceOf: QueryError,
    message: /bad_data|parse/,
  });
});

test('a closed port is ProviderUnreachableError', async (t) => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  const closed = new PrometheusProvider({ address: `http://127.0.0.1:${port}`, timeoutMs: 2000 });
  await t.throwsAsync(closed.queryValue('vector(1)'), {
    instanceOf: ProviderUnreachableError,
    message: /ECONNREFUSED/,
  });
});

test('a server that never answers is ProviderUnreachableError after the timeout', async (t) => {
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => sockets.push(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const silent = new PrometheusProvider({ address: `http://127.0.0.1:${port}`, timeoutMs: 300 });
  const started = Date.now();
  await t.throwsAsync(silent.queryValue('vector(1)'), {
    instanceOf: ProviderUnreachableError,
    message: /timed out/,
  });
  t.true(Date.now() - started < 3000);
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => server.close(resolve));
});

test('the factory shares one provider per address and refuses bad addresses', (t) => {
  const factory = createMetricsProviderFactory();
  t.is(factory('http://prometheus:9090'), factory('http://prometheus:9090'));
  t.not(factory('http://prometheus:9090'), factory('http://other:9090'));
  t.throws(() => factory('prometheus:9090/x y'), { message: /spec.analysis.prometheus.address/ });
  t.throws(() => factory('ftp://prometheus'), { message: /scheme ftp: is not http or https/ });
});
