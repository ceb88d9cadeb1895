import type { AddressInfo } from 'node:net';
import test, { type ExecutionContext } from 'ava';
import { Pool } from 'undici';
import type { Router } from '../../src/router/router.js';
import {
  deadUrl,
  eventually,
  metricValue,
  routes,
  startFakeUpstream,
  testRouter,
  type FakeBehaviour,
  type FakeUpstream,
} from './helpers.js';

const body = JSON.stringify([{ x: 100 }, { x: 250 }, { x: null }]);

interface ClientAnswer {
  status: number;
  body: string;
  variant: string;
  ms: number;
}

/** A router listening on 127.0.0.1 with a real HTTP client in front. */
async function listeningRouter(t: ExecutionContext, router: Router, upstreams: FakeUpstream[]) {
  await router.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = router.app.server.address() as AddressInfo;
  const client = new Pool(`http://127.0.0.1:${port}`, { connections: 8 });
  t.teardown(async () => {
    await client.close();
    await Promise.all(upstreams.map((u) => u.close()));
    await router.close();
  });
  return async (): Promise<ClientAnswer> => {
    const started = performance.now();
    const res = await client.request({
      path: '/v1/predictions',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const text = await res.body.text();
    return {
      status: res.statusCode,
      body: text,
      variant: res.headers['x-model-variant'] as string,
      ms: performance.now() - started,
    };
  };
}

function p(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const failingCandidates: [string, () => Promise<string | FakeUpstream>, string][] = [
  ['down', () => deadUrl(), 'connect'],
  ['answering 500', () => startFakeUpstream({ version: '2', factor: 1, status: 500 }), 'status'],
  ['taking 5 s', () => startFakeUpstream({ version: '2', factor: 1, delayMs: 5_000 }), 'timeout'],
];

for (const [name, makeCandidate, reason] of failingCandidates) {
  test.serial(
    `shadow with the candidate ${name} changes neither status, body nor latency of client answers`,
    async (t) => {
      const master = await startFakeUpstream({ version: '1', factor: 1 });
      const candidate = await makeCandidate();
      const candidateUrl = typeof candidate === 'string' ? candidate : candidate.url;
      const config = routes({
        master: { url: master.url, version: '1' },
        candidate: { url: candidateUrl, version: '2' },
        mirrorPercent: 100,
      });
      // Two routers in front of the same master, one mirroring everything and one not, called
      // alternately: both see the same machine load, so their latencies compare fairly.
      const options = { mirrorTimeoutMs: 1_500, maxMirrorInFlight: 1_000 };
      const shadowRouter = testRouter(config, options);
      const plainRouter = testRouter({ ...config, mirrorPercent: 0 }, options);
      const callShadow = await listeningRouter(
        t,
        shadowRouter,
        typeof candidate === 'string' ? [] : [candidate],
      );
      const callPlain = await listeningRouter(t, plainRouter, [master]);

      for (let i = 0; i < 20; i++) await Promise.all([callPlain(), callShadow()]); // warm-up
      const baseline: ClientAnswer[] = [];
      const shadowed: ClientAnswer[] = [];
      for (let i = 0; i < 60; i++) {
        baseline.push(await callPlain());
        shadowed.push(await callShadow());
      }

      for (const a of shadowed) {
        t.is(a.status, 200);
        t.is(a.variant, 'master');
        t.is(a.body, baseline[0].body);
      }
      const ms = (answers: ClientAnswer[], q: number) =>
        p(
          answers.map((a) => a.ms),
          q,
        );
      const [base50, base90, shadow50, shadow90] = [
        ms(baseline, 0.5),
        ms(baseline, 0.9),
        ms(shadowed, 0.5),
        ms(shadowed, 0.9),
      ];
      t.log(
        `client latency without mirror p50 ${base50.toFixed(2)} p90 ${base90.toFixed(2)} ms; ` +
          `with: p50 ${shadow50.toFixed(2)} p90 ${shadow90.toFixed(2)} ms`,
      );
      // Waiting on the candidate (5 s, or the 1.5 s mirror timeout) would show in every request.
      // The other bounds leave room for other test files loading the CPU at the same time.
      const slowest = Math.max(...shadowed.map((a) => a.ms));
      t.true(slowest < 1_000, `slowest mirrored request took ${slowest.toFixed(0)} ms`);
      t.true(
        shadow50 < 2 * base50 + 5,
        `p50 ${shadow50.toFixed(2)} ms vs ${base50.toFixed(2)} ms without mirroring`,
      );
      t.true(shadow90 < 3 * base90 + 20, `p90 ${shadow90.toFixed(2)} ms vs ${base90.toFixed(2)} ms`);

      const labels = { master_version: '1', candidate_version: '2' };
      const registry = shadowRouter.metrics.registry;
      t.true(
        await eventually(
          async () =>
            (await metricValue(registry, 'router_shadow_errors_total', { ...labels, reason })) === 80,
          4_000,
        ),
        `shadow errors with reason ${reason}`,
      );
      t.is(await metricValue(registry, 'router_shadow_errors_total', labels), 80);
      t.is(await metricValue(registry, 'router_shadow_compared_records_total', labels), 0);
      t.is(await metricValue(registry, 'router_shadow_relative_difference_count', labels), 0);
    },
  );
}

test('mirrored copies carry master’s request id and the shadow header; the in-flight cap drops and counts', async (t) => {
  const master = await startFakeUpstream({ version: '1', factor: 1 });
  const candidate = await startFakeUpstream({ version: '2', factor: 1, delayMs: 3_000 });
  const router = testRouter(
    routes({
      master: { url: master.url, version: '1' },
      candidate: { url: candidate.url, version: '2' },
      mirrorPercent: 100,
    }),
    { maxMirrorInFlight: 5, mirrorTimeoutMs: 5_000 },
  );
  const call = await listeningRouter(t, router, [master, candidate]);
  for (let i = 0; i < 20; i++) t.is((await call()).status, 200);

  t.true(await eventually(() => candidate.seen.length === 5));
  t.is(router.shadow.inFlight, 5);
  t.is(await metricValue(router.metrics.registry, 'router_mirror_in_flight'), 5);
  t.is(
    await metricValue(router.metrics.registry, 'router_mirrors_dropped_total', { reason: 'capacity' }),
    15,
  );
  t.is(await metricValue(router.metrics.registry, 'router_mirrored_requests_total'), 5);
  const masterIds = new Set(master.seen.map((s) => s.requestId));
  for (const copy of candidate.seen) {
    t.true(copy.shadow);
    t.true(masterIds.has(copy.requestId), `candidate id ${copy.requestId} seen by master`);
    t.is(copy.body, body);
  }
  t.false(master.seen.some((s) => s.shadow));
});

const differences: [string, number, { le: string; count: number }[], number][] = [
  [
    '0%',
    1,
    [
      { le: '0.0001', count: 40 },
      { le: '+Inf', count: 40 },
    ],
    0,
  ],
  [
    '5%',
    1.05,
    [
      { le: '0.025', count: 0 },
      { le: '0.075', count: 40 },
    ],
    0,
  ],
  [
    '50%',
    1.5,
    [
      { le: '0.25', count: 0 },
      { le: '1', count: 40 },
    ],
    40,
  ],
];

for (const [name, factor, buckets, mismatched] of differences) {
  test(`paired comparison of a candidate ${name} off master gives that difference on every record`, async (t) => {
    const master = await startFakeUpstream({ version: '1.0.0', factor: 1 });
    const candidate = await startFakeUpstream({ version: '1.1.0', factor });
    const router = testRouter(
      routes({
        master: { url: master.url, version: '1.0.0' },
        candidate: { url: candidate.url, version: '1.1.0' },
        mirrorPercent: 100,
        shadowTolerance: 0.1,
      }),
    );
    const call = await listeningRouter(t, router, [master, candidate]);
    // 20 requests of 3 records; the third (x null) is left out by both and not compared.
    for (let i = 0; i < 20; i++) t.is((await call()).status, 200);

    const labels = { model_name: 'house-price', master_version: '1.0.0', candidate_version: '1.1.0' };
    const registry = router.metrics.registry;
    t.true(
      await eventually(
        async () => (await metricValue(registry, 'router_shadow_compared_records_total', labels)) === 40,
      ),
    );
    t.is(await metricValue(registry, 'router_shadow_relative_difference_count', labels), 40);
    const sum = await metricValue(registry, 'router_shadow_relative_difference_sum', labels);
    t.true(Math.abs(sum - 40 * (factor - 1)) < 1e-9, `sum ${sum}`);
    for (const { le, count } of buckets) {
      t.is(
        await metricValue(registry, 'router_shadow_relative_difference_bucket', { ...labels, le }),
        count,
        `le ${le}`,
      );
    }
    t.is(await metricValue(registry, 'router_shadow_mismatched_records_total', labels), mismatched);
    t.is(await metricValue(registry, 'router_shadow_errors_total', labels), 0);
  });
}

const invalidCandidates: [string, Partial<FakeBehaviour>][] = [
  ['no predictions', { garbage: true }],
  ['one prediction missing', { truncate: true }],
];

for (const [name, behaviour] of invalidCandidates) {
  test(`a candidate answer with ${name} counts as invalid, not as a difference`, async (t) => {
    const master = await startFakeUpstream({ version: '1', factor: 1 });
    const candidate = await startFakeUpstream({ version: '2', factor: 1, ...behaviour });
    const router = testRouter(
      routes({
        master: { url: master.url, version: '1' },
        candidate: { url: candidate.url, version: '2' },
        mirrorPercent: 100,
      }),
    );
    const call = await listeningRouter(t, router, [master, candidate]);
    for (let i = 0; i < 5; i++) t.is((await call()).status, 200);
    const registry = router.metrics.registry;
    t.true(
      await eventually(
        async () => (await metricValue(registry, 'router_shadow_errors_total', { reason: 'invalid' })) === 5,
      ),
    );
    t.is(await metricValue(registry, 'router_shadow_relative_difference_count'), 0);
    t.is(await metricValue(registry, 'router_shadow_compared_records_total'), 0);
  });
}

test('a mirrored request master fails is skipped, and the candidate status is not judged', async (t) => {
  const master = await startFakeUpstream({ version: '1', factor: 1, status: 400 });
  const candidate = await startFakeUpstream({ version: '2', factor: 1, status: 400 });
  const router = testRouter(
    routes({
      master: { url: master.url, version: '1' },
      candidate: { url: candidate.url, version: '2' },
      mirrorPercent: 100,
    }),
  );
  const call = await listeningRouter(t, router, [master, candidate]);
  for (let i = 0; i < 4; i++) t.is((await call()).status, 400);
  const registry = router.metrics.registry;
  t.true(await eventually(async () => (await metricValue(registry, 'router_shadow_skipped_total')) === 4));
  t.is(await metricValue(registry, 'router_shadow_errors_total'), 0);
});
