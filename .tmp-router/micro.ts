import { pino } from 'pino';
import { RouterMetrics } from '../model-server/src/router/metrics.js';
import { ShadowMirror } from '../model-server/src/router/shadow.js';
import type { UpstreamClient, UpstreamResponse } from '../model-server/src/router/upstream.js';
const answer = (f: number): UpstreamResponse => ({ status: 200, headers: {}, body: Buffer.from(JSON.stringify({ predictions: [f * 221000.5], version: '1', errors: [] })) });
const fake: UpstreamClient = { send: async () => answer(1.02), close: async () => {} };
const metrics = new RouterMetrics('bench', { processMetrics: false });
const shadow = new ShadowMirror(fake, metrics, pino({ level: 'silent' }), { maxInFlight: 1e9, timeoutMs: 2000 });
const config = { master: { url: 'http://m', version: '1' }, candidate: { url: 'http://c', version: '2' }, canaryWeight: 0, mirrorPercent: 100, shadowTolerance: 0.05 };
const req = { path: '/v1/predictions', headers: { 'content-type': 'application/json', 'x-request-id': 'abc' }, body: Buffer.from('[{"a":1}]') };
for (let round = 0; round < 3; round++) {
  const N = 50000;
  const c0 = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    shadow.mirror(config, req, Promise.resolve(answer(1)));
    if (i % 500 === 0) await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setTimeout(r, 50));
  const c = process.cpuUsage(c0);
  console.log('mirror+record µs/op (in-memory upstream)', ((c.user + c.system) / N).toFixed(2));
}
