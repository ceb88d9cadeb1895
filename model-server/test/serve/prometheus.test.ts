import { randomBytes } from 'node:crypto';
import test from 'ava';
import { promQuery, sharedControlPlane, waitFor } from '../../../test/cluster/index.js';
import { realModel, testRecords, testServer } from './helpers.js';

test('Prometheus scrapes the server; the prediction histogram counts every prediction', async (t) => {
  const plane = await sharedControlPlane();
  const job = `serve-${randomBytes(4).toString('hex')}`;
  const app = await testServer({ model: await realModel(), variant: 'candidate', defaultMetrics: true });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  await plane.prometheus.setTargets(job, [{ address: new URL(address).host, labels: { namespace: 'ml' } }]);
  try {
    const houses = await testRecords();
    let predicted = 0;
    for (let i = 0; i < 25; i++) {
      const records = houses.slice(i * 4, i * 4 + 1 + (i % 4));
      const response = await app.inject({ method: 'POST', url: '/v1/predictions', payload: records });
      predicted += (response.json().predictions as (number | null)[]).filter((p) => p !== null).length;
    }
    await app.inject({ method: 'POST', url: '/v1/predictions', payload: [{ GrLivArea: 'x' }] });
    t.true(predicted > 0);

    const selector = `job="${job}",variant="candidate"`;
    const value = async (expr: string) => {
      const [sample] = await promQuery(plane.prometheusUrl, expr);
      return sample === undefined ? undefined : Number(sample.value[1]);
    };
    await waitFor(
      'the prediction count in Prometheus',
      async () =>
        (await value(`sum(house_price_prediction_dollars_count{${selector}})`)) === predicted
          ? true
          : undefined,
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    // The series the operator's built-in checks select on exist with these exact labels.
    t.is(
      await value(`sum(http_request_count_total{${selector},status="200",endpoint="/v1/predictions"})`),
      25,
    );
    t.is(await value(`sum(http_request_count_total{${selector},status=~"4.."})`), 1);
    t.true(((await value(`sum(http_request_latency_seconds_bucket{${selector},le="+Inf"})`)) ?? 0) >= 26);
    t.true(((await value(`sum(house_price_prediction_dollars_sum{${selector}})`)) ?? 0) > 0);
    const [info] = await promQuery(plane.prometheusUrl, `model_version_details_info{job="${job}"}`);
    t.like(info.metric, { model_name: 'house-price', variant: 'candidate', namespace: 'ml' });
  } finally {
    await plane.prometheus.setTargets(job, []);
    await app.close();
  }
});
