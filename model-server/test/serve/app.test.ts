import test from 'ava';
import { Registry } from 'prom-client';
import { ServeState } from '../../src/serve/app.js';
import type { PredictionRow, PredictionSink, StoreStats } from '../../src/store/types.js';
import { testServer } from './helpers.js';

/** A sink that keeps rows in memory, to see what the route hands to the store. */
class CollectingSink implements PredictionSink {
  readonly persistent = true;
  readonly rows: PredictionRow[] = [];
  reachable = true;
  async start() {}
  enqueue(rows: readonly PredictionRow[]) {
    this.rows.push(...rows);
  }
  async isReachable() {
    return this.reachable;
  }
  stats(): StoreStats {
    return {
      written: this.rows.length,
      journaled: 0,
      replayed: 0,
      dropped: 0,
      queued: 0,
      journalPending: 0,
      databaseUp: true,
    };
  }
  async close() {}
}

const post = (payload: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST' as const,
  url: '/v1/predictions',
  payload: payload as string,
  headers,
});

test('predicts in order, reports left-out records, and hands one row per record to the store', async (t) => {
  const sink = new CollectingSink();
  const app = await testServer({ sink });
  const response = await app.inject(
    post([{ GrLivArea: 1000, Id: 7 }, { Id: 8 }, { GrLivArea: 2000, '1stFlrSF': 900 }], {
      'x-request-id': 'req-1',
    }),
  );
  t.is(response.statusCode, 200);
  t.is(response.headers['x-request-id'], 'req-1');
  t.deepEqual(response.json(), {
    predictions: [150_000, null, 250_000],
    version: '0.0.1',
    errors: [{ index: 1, field: 'GrLivArea', reason: 'missing' }],
  });
  t.is(sink.rows.length, 3);
  t.deepEqual(
    sink.rows.map((row) => [row.request_id, row.model_name, row.model_version, row.variant, row.outputs]),
    [
      ['req-1', 'house-price', '0.0.1', 'candidate', { prediction: 150_000 }],
      ['req-1', 'house-price', '0.0.1', 'candidate', { prediction: null, error: 'GrLivArea: missing' }],
      ['req-1', 'house-price', '0.0.1', 'candidate', { prediction: 250_000 }],
    ],
  );
  // Inputs are stored in the course's spelling; record ids are unique.
  t.deepEqual(sink.rows[2].inputs, { GrLivArea: 2000, FirstFlrSF: 900 });
  t.is(new Set(sink.rows.map((row) => row.record_id)).size, 3);
});

test('strings are never coerced into numbers', async (t) => {
  const app = await testServer();
  const response = await app.inject(post([{ GrLivArea: 1000 }, { GrLivArea: '1000' }]));
  t.is(response.statusCode, 400);
  t.deepEqual(response.json().details, [
    { index: 1, field: 'GrLivArea', reason: 'expected an integer, got string "1000"' },
  ]);
});

test('a string holding U+0000 (which PostgreSQL cannot store) gets 400 naming record and field', async (t) => {
  const sink = new CollectingSink();
  const app = await testServer({ sink });
  const response = await app.inject(
    post(`[{"GrLivArea":1000},{"GrLivArea":1000,"Street":"Pa\\u0000ve"}]`, {
      'content-type': 'application/json',
    }),
  );
  t.is(response.statusCode, 400);
  t.deepEqual(response.json().details, [
    { index: 1, field: 'Street', reason: 'must not contain the NUL character (U+0000)' },
  ]);
  t.is(sink.rows.length, 0);
});

test('400 names the body problem: not an array, empty, too many records', async (t) => {
  const app = await testServer({
    limits: {
      bodyLimitBytes: 1_048_576,
      maxRecords: 3,
      requestTimeoutMs: 1000,
      connectionTimeoutMs: 1000,
      keepAliveTimeoutMs: 1000,
    },
  });
  const cases: [unknown, string][] = [
    [{ GrLivArea: 1 }, 'must be an array'],
    [[], 'must hold at least one record'],
    [[{}, {}, {}, {}], 'must hold at most 3 records'],
    [[1], 'expected an object, got number 1'],
  ];
  for (const [payload, reason] of cases) {
    const response = await app.inject(post(payload));
    t.is(response.statusCode, 400, JSON.stringify(payload));
    t.is(response.json().details[0].reason, reason);
  }
});

test('413 for a body over the limit, 415 for a content type other than JSON', async (t) => {
  const app = await testServer({
    limits: {
      bodyLimitBytes: 2048,
      maxRecords: 1000,
      requestTimeoutMs: 1000,
      connectionTimeoutMs: 1000,
      keepAliveTimeoutMs: 1000,
    },
  });
  const big = await app.inject(post(Array.from({ length: 200 }, () => ({ GrLivArea: 1000 }))));
  t.is(big.statusCode, 413);
  t.is(big.json().error, 'request body too large');
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
    const response = await app.inject(post('[{"GrLivArea":1}]', { 'content-type': type }));
    t.is(response.statusCode, 415, type);
    t.deepEqual(response.json(), { error: 'unsupported content type: send application/json', details: [] });
  }
  const charset = await app.inject(
    post('[{"GrLivArea":1}]', { 'content-type': 'application/json; charset=utf-8' }),
  );
  t.is(charset.statusCode, 200);
});

test('GET /v1/model describes the model and the variant', async (t) => {
  const app = await testServer();
  const response = await app.inject({ method: 'GET', url: '/v1/model' });
  t.deepEqual(response.json(), {
    name: 'house-price',
    version: '0.0.1',
    kind: 'linear',
    description: 'stand-in model for unit tests',
    sha256: '0'.repeat(64),
    variant: 'candidate',
    features: ['GrLivArea'],
    metrics: { rmse: 1, rmsle: 0.1, r2: 0.9, trainRows: 10, testRows: 2 },
  });
});

test('/ready follows the store when it is required, and fails while draining; /health stays up', async (t) => {
  const sink = new CollectingSink();
  const state = new ServeState();
  const app = await testServer({ sink, storeRequired: true, state });
  t.is((await app.inject({ method: 'GET', url: '/ready' })).statusCode, 200);
  sink.reachable = false;
  const down = await app.inject({ method: 'GET', url: '/ready' });
  t.is(down.statusCode, 503);
  t.deepEqual(down.json(), { status: 'not ready', reasons: ['prediction store unreachable'] });
  sink.reachable = true;
  state.draining = true;
  t.deepEqual((await app.inject({ method: 'GET', url: '/ready' })).json().reasons, ['shutting down']);
  t.is((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200);

  const optional = await testServer({ sink, storeRequired: false });
  sink.reachable = false;
  t.is((await optional.inject({ method: 'GET', url: '/ready' })).statusCode, 200);
});

test('the OpenAPI document lists the routes with their schemas', async (t) => {
  const app = await testServer();
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
  t.is(doc.openapi, '3.0.3');
  t.deepEqual(Object.keys(doc.paths).sort(), [
    '/health',
    '/metrics',
    '/ready',
    '/v1/model',
    '/v1/predictions',
  ]);
  const post = doc.paths['/v1/predictions'].post;
  const body = post.requestBody.content['application/json'].schema;
  t.is(body.type, 'array');
  t.is(body.maxItems, 1000);
  t.truthy(body.items.properties.GrLivArea);
  t.truthy(body.items.properties['1stFlrSF']);
  t.deepEqual(Object.keys(post.responses).sort(), ['200', '400', '413', '415']);
});

test('a request id from the client is kept only when it is a sane token', async (t) => {
  const sink = new CollectingSink();
  const app = await testServer({ sink });
  await app.inject(post([{ GrLivArea: 1 }], { 'x-request-id': 'x'.repeat(500) }));
  await app.inject(post([{ GrLivArea: 1 }], { 'x-request-id': 'bad id\u0001' }));
  t.is(sink.rows.length, 2);
  for (const row of sink.rows) t.regex(row.request_id, /^[0-9a-f-]{36}$/);
});

test('each app counts into its own registry', async (t) => {
  const first = new Registry();
  const second = new Registry();
  const a = await testServer({ registry: first });
  await testServer({ registry: second });
  await a.inject(post([{ GrLivArea: 1000 }, { GrLivArea: 3000 }]));
  const count = async (registry: Registry) =>
    (await registry.getSingleMetric('house_price_prediction_dollars')!.get()).values.find(
      (value) => (value as { metricName?: string }).metricName === 'house_price_prediction_dollars_count',
    )?.value ?? 0;
  t.is(await count(first), 2);
  t.is(await count(second), 0);
});
