import http from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { UndiciUpstreamClient } from '../../src/router/upstream-undici.js';

/** An upstream that drops the first `drops` requests' connections without answering. */
async function flakyUpstream(drops: number) {
  let seen = 0;
  const server = http.createServer((req, res) => {
    seen++;
    if (seen <= drops) {
      req.socket.destroy();
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end('{"predictions":[1],"version":"1","errors":[]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen: () => seen, close: () => new Promise((r) => server.close(r)) };
}

const call = (client: UndiciUpstreamClient, baseUrl: string) =>
  client.send({
    baseUrl,
    path: '/v1/predictions',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: Buffer.from('[{}]'),
    timeoutMs: 2000,
  });

test('a live call whose connection closes before any answer is tried once more', async (t) => {
  const upstream = await flakyUpstream(1);
  const client = new UndiciUpstreamClient();
  try {
    const response = await call(client, upstream.url);
    t.is(response.status, 200);
    t.is(upstream.seen(), 2);
  } finally {
    await client.close();
    await upstream.close();
  }
});

test('only once: a second close fails the call', async (t) => {
  const upstream = await flakyUpstream(3);
  const client = new UndiciUpstreamClient();
  try {
    await t.throwsAsync(call(client, upstream.url), { name: 'UpstreamError' });
    t.is(upstream.seen(), 2);
  } finally {
    await client.close();
    await upstream.close();
  }
});
