import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { createUpstreamClient } from '../../src/router/upstream-undici.js';
import { UpstreamError, type UpstreamRequest } from '../../src/router/upstream.js';
import { deadUrl } from './helpers.js';

/** A server answering `size` bytes after `delayMs`, counting the TCP connections it accepted. */
async function server(size: number, delayMs = 0) {
  let connections = 0;
  const srv = createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      setTimeout(() => {
        res.setHeader('content-type', 'application/json');
        res.setHeader('x-model-version', '9.9.9');
        res.end('x'.repeat(size));
      }, delayMs),
    );
  });
  srv.on('connection', () => connections++);
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => (srv.closeAllConnections(), srv.close(() => resolve()))),
  };
}

const call = (baseUrl: string, timeoutMs = 5_000): UpstreamRequest => ({
  baseUrl,
  path: '/v1/predictions',
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: Buffer.from('[]'),
  timeoutMs,
});

test('answers are collected whole, and sequential calls reuse keep-alive connections', async (t) => {
  const big = await server(1024 * 1024);
  const client = createUpstreamClient();
  t.teardown(async () => {
    await client.close();
    await big.close();
  });
  for (let i = 0; i < 20; i++) {
    const res = await client.send(call(big.url));
    t.is(res.status, 200);
    t.is(res.body.length, 1024 * 1024);
    t.is(res.headers['x-model-version'], '9.9.9');
  }
  // A call sent the moment the previous one completes may open a second socket; never one per call.
  t.true(big.connections() <= 2, `${big.connections()} connections for 20 calls`);
});

test('a late answer fails at the deadline as a timeout; a refused connection as connect', async (t) => {
  const slow = await server(10, 3_000);
  const client = createUpstreamClient();
  t.teardown(async () => {
    await client.close();
    await slow.close();
  });
  const started = Date.now();
  const late = await t.throwsAsync(client.send(call(slow.url, 200)), { instanceOf: UpstreamError });
  const elapsed = Date.now() - started;
  t.is(late!.failure, 'timeout');
  t.true(elapsed >= 190 && elapsed < 1_000, `timed out after ${elapsed} ms`);

  const refused = await t.throwsAsync(client.send(call(await deadUrl())), { instanceOf: UpstreamError });
  t.is(refused!.failure, 'connect');
  t.regex(refused!.message, /ECONNREFUSED/);
});

test('host overrides are applied when a call is sent', async (t) => {
  const target = await server(2);
  const client = createUpstreamClient({
    resolveOrigin: (url) => (url === 'http://house-price-master.ml.svc:8080' ? target.url : url),
  });
  t.teardown(async () => {
    await client.close();
    await target.close();
  });
  const res = await client.send(call('http://house-price-master.ml.svc:8080'));
  t.is(res.body.toString(), 'xx');
  t.is(target.connections(), 1);
});
