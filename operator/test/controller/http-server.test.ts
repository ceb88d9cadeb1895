import test from 'ava';
import { buildOperatorHttp } from '../../src/controller/http-server.js';
import { PromOperatorMetrics } from '../../src/metrics/prom-operator-metrics.js';

test('/healthz and /readyz follow the probes', async (t) => {
  let ready = false;
  const app = buildOperatorHttp({ probes: { healthy: () => true, ready: () => ready } });
  t.is((await app.inject('/healthz')).statusCode, 200);
  const notReady = await app.inject('/readyz');
  t.is(notReady.statusCode, 503);
  t.is(notReady.body, 'not ready');
  ready = true;
  t.is((await app.inject('/readyz')).statusCode, 200);
  t.is((await app.inject('/metrics')).statusCode, 404, 'metrics only where a registry is given');
});

test('/metrics serves the operator registry in the Prometheus text format', async (t) => {
  const metrics = new PromOperatorMetrics({ processMetrics: false });
  metrics.setLeader(true);
  metrics.recordPhase('ml/house-price', 'Canary');
  const app = buildOperatorHttp({ registry: metrics.registry });
  const res = await app.inject('/metrics');
  t.is(res.statusCode, 200);
  t.regex(String(res.headers['content-type']), /text\/plain/);
  t.regex(res.body, /^modelrollout_leader 1$/m);
  t.regex(res.body, /^modelrollout_phase\{namespace="ml",name="house-price",phase="Canary"\} 1$/m);
  t.is((await app.inject('/healthz')).statusCode, 404, 'probes only where given');
});
