import test from 'ava';
import { deadUrl, metricValue, routes, startFakeUpstream, testRouter } from './helpers.js';

const records = JSON.stringify([{ x: 100 }, { x: 250 }]);
const post = (headers: Record<string, string> = {}) => ({
  method: 'POST' as const,
  url: '/v1/predictions',
  headers: { 'content-type': 'application/json', ...headers },
  payload: records,
});

test('requests go to master, with the answering variant, version and request id in the headers', async (t) => {
  const master = await startFakeUpstream({ version: '1.0.0', factor: 1 });
  const router = testRouter(routes({ master: { url: master.url, version: '1.0.0' } }));
  t.teardown(async () => {
    await router.close();
    await master.close();
  });

  const res = await router.app.inject(post({ 'x-request-id': 'abc-1' }));
  t.is(res.statusCode, 200);
  t.deepEqual(res.json(), { predictions: [100, 250], version: '1.0.0', errors: [] });
  t.is(res.headers['x-model-variant'], 'master');
  t.is(res.headers['x-model-version'], '1.0.0');
  t.is(res.headers['x-request-id'], 'abc-1');
  t.is(res.headers['content-type'], 'application/json');
  t.is(master.seen[0].requestId, 'abc-1');
  t.is(master.seen[0].body, records);

  const generated = await router.app.inject(post());
  const id = generated.headers['x-request-id'] as string;
  t.regex(id, /^[0-9a-f-]{36}$/);
  t.is(master.seen[1].requestId, id);

  const model = await router.app.inject({ method: 'GET', url: '/v1/model' });
  t.deepEqual(model.json(), { name: 'fake', version: '1.0.0' });
  t.is(
    await metricValue(router.metrics.registry, 'router_requests_total', { variant: 'master', status: '200' }),
    3,
  );
});

test('a 10% weight sends 10% ± 2% of 5,000 requests to the candidate, sticky by request id', async (t) => {
  const master = await startFakeUpstream({ version: '1.0.0', factor: 1 });
  const candidate = await startFakeUpstream({ version: '1.1.0', factor: 1 });
  const router = testRouter(
    routes({
      master: { url: master.url, version: '1.0.0' },
      candidate: { url: candidate.url, version: '1.1.0' },
      canaryWeight: 10,
    }),
  );
  t.teardown(async () => {
    await router.close();
    await Promise.all([master.close(), candidate.close()]);
  });

  const variants: string[] = [];
  for (let batch = 0; batch < 100; batch++) {
    const answers = await Promise.all(Array.from({ length: 50 }, () => router.app.inject(post())));
    for (const a of answers) {
      t.is(a.statusCode, 200, a.body);
      variants.push(a.headers['x-model-variant'] as string);
      t.is(a.headers['x-model-version'], a.headers['x-model-variant'] === 'candidate' ? '1.1.0' : '1.0.0');
    }
  }
  const share = variants.filter((v) => v === 'candidate').length / variants.length;
  t.true(share >= 0.08 && share <= 0.12, `candidate share ${share}`);
  t.is(candidate.seen.length, variants.filter((v) => v === 'candidate').length);
  t.is(
    await metricValue(router.metrics.registry, 'router_requests_total', {
      variant: 'candidate',
      model_version: '1.1.0',
    }),
    candidate.seen.length,
  );

  // The same client id always gets the same variant.
  const sticky = new Map<string, string>();
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 200; i++) {
      const res = await router.app.inject(post({ 'x-request-id': `client-${i}` }));
      const v = res.headers['x-model-variant'] as string;
      if (round === 0) sticky.set(`client-${i}`, v);
      else t.is(v, sticky.get(`client-${i}`) as string);
    }
  }
  t.true([...sticky.values()].includes('candidate'));
});

test('the pin header chooses the variant; a bad header or a missing candidate is refused', async (t) => {
  const master = await startFakeUpstream({ version: '1.0.0', factor: 1 });
  const candidate = await startFakeUpstream({ version: '1.1.0', factor: 2 });
  const config = routes({
    master: { url: master.url, version: '1.0.0' },
    candidate: { url: candidate.url, version: '1.1.0' },
  });
  const router = testRouter(config);
  t.teardown(async () => {
    await router.close();
    await Promise.all([master.close(), candidate.close()]);
  });

  const pinned = await router.app.inject(post({ 'x-model-variant': 'candidate' }));
  t.is(pinned.headers['x-model-variant'], 'candidate');
  t.deepEqual(pinned.json().predictions, [200, 500]);
  const model = await router.app.inject({
    method: 'GET',
    url: '/v1/model',
    headers: { 'x-model-variant': 'candidate' },
  });
  t.is(model.json().version, '1.1.0');

  const bad = await router.app.inject(post({ 'x-model-variant': 'canary' }));
  t.is(bad.statusCode, 400);
  t.regex(bad.json().error, /x-model-variant: must be "master" or "candidate"/);

  router.routes.apply(
    { kind: 'config', result: { ok: true, config: { ...config, candidate: null } } },
    'test',
  );
  const none = await router.app.inject(post({ 'x-model-variant': 'candidate' }));
  t.is(none.statusCode, 503);
  t.regex(none.json().error, /candidate requested but none is configured/);
});

test('master down answers 502, master too slow answers 504, and both are counted', async (t) => {
  const slow = await startFakeUpstream({ version: '1.0.0', factor: 1, delayMs: 1_000 });
  const router = testRouter(routes({ master: { url: await deadUrl(), version: '1.0.0' } }), {
    upstreamTimeoutMs: 200,
  });
  t.teardown(async () => {
    await router.close();
    await slow.close();
  });

  const down = await router.app.inject(post());
  t.is(down.statusCode, 502);
  t.regex(down.json().error, /^master upstream: .*ECONNREFUSED/);
  t.is(down.headers['x-model-variant'], 'master');

  router.routes.apply(
    { kind: 'config', result: { ok: true, config: routes({ master: { url: slow.url, version: '1' } }) } },
    't',
  );
  const started = Date.now();
  const late = await router.app.inject(post());
  t.is(late.statusCode, 504);
  t.true(Date.now() - started < 900);
  t.is(await metricValue(router.metrics.registry, 'router_requests_total', { status: '502' }), 1);
  t.is(await metricValue(router.metrics.registry, 'router_requests_total', { status: '504' }), 1);
});

test('/ready fails until a valid config is loaded and keeps the last good one after a bad one', async (t) => {
  const master = await startFakeUpstream({ version: '1.0.0', factor: 1 });
  const router = testRouter(null);
  t.teardown(async () => {
    await router.close();
    await master.close();
  });
  t.is((await router.app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
  t.is((await router.app.inject({ method: 'GET', url: '/ready' })).statusCode, 503);
  t.is((await router.app.inject(post())).statusCode, 503);

  router.routes.apply(
    { kind: 'config', result: { ok: false, issues: [{ field: 'master', reason: 'x' }] } },
    'test',
  );
  t.is((await router.app.inject({ method: 'GET', url: '/ready' })).statusCode, 503);

  const good = routes({ master: { url: master.url, version: '1.0.0' } });
  t.true(router.routes.apply({ kind: 'config', result: { ok: true, config: good } }, 'test'));
  const ready = await router.app.inject({ method: 'GET', url: '/ready' });
  t.is(ready.statusCode, 200);
  t.is(ready.json().master, '1.0.0');

  router.routes.apply(
    { kind: 'config', result: { ok: false, issues: [{ field: 'master', reason: 'x' }] } },
    'test',
  );
  router.routes.apply({ kind: 'missing' }, 'test');
  t.is(router.routes.current, good);
  t.is((await router.app.inject(post())).statusCode, 200);
  t.is(await metricValue(router.metrics.registry, 'router_config_errors_total', { reason: 'invalid' }), 2);
  t.is(await metricValue(router.metrics.registry, 'router_config_errors_total', { reason: 'missing' }), 1);
  t.is(await metricValue(router.metrics.registry, 'router_config_reloads_total'), 1);

  const text = (await router.app.inject({ method: 'GET', url: '/metrics' })).body;
  t.regex(text, /router_canary_weight_percent\{model_name="house-price"\} 0/);
  t.regex(
    text,
    /router_config_info\{model_name="house-price",master_version="1.0.0",candidate_version=""\} 1/,
  );

  router.startDraining();
  t.is((await router.app.inject({ method: 'GET', url: '/ready' })).statusCode, 503);
});
