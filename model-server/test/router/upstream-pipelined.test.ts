import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import test from 'ava';
import { waitFor } from '../../../test/cluster/index.js';
import { PipelinedUpstreamClient } from '../../src/router/upstream-pipelined.js';
import type { UpstreamRequest } from '../../src/router/upstream.js';

/**
 * A real HTTP server: echoes the body; `slow` bodies wait 1 s, `drop` bodies lose the socket,
 * `chunked` bodies are answered in two writes without a length.
 */
async function echoServer() {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = Buffer.concat(parts).toString();
      if (body === 'drop') return req.socket.destroy();
      const answer = () => {
        res.setHeader('x-request-id', String(req.headers['x-request-id']));
        if (body === 'chunked') {
          res.write('first ');
          res.end('second');
        } else res.end(`echo ${body}`);
      };
      if (body === 'slow') setTimeout(answer, 1_000);
      else answer();
    });
  });
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    open: () => sockets.size,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(r));
    },
  };
}

const call = (baseUrl: string, body: string, extra: Partial<UpstreamRequest> = {}): UpstreamRequest => ({
  baseUrl,
  path: '/v1/predictions',
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-request-id': body },
  body: Buffer.from(body),
  timeoutMs: 2_000,
  ...extra,
});

test('many concurrent calls over a few pipelined sockets each get their own answer', async (t) => {
  const server = await echoServer();
  const client = new PipelinedUpstreamClient({ connections: 3 });
  try {
    const bodies = Array.from({ length: 500 }, (_, i) => `r${i}`);
    const answers = await Promise.all(bodies.map((b) => client.send(call(server.url, b))));
    t.deepEqual(
      answers.map((a) => [a.status, a.headers['x-request-id'], a.body.toString()]),
      bodies.map((b) => [200, b, `echo ${b}`]),
    );
    t.true(server.connections() <= 3, `${server.connections()} connections`);
    const chunked = await client.send(call(server.url, 'chunked'));
    t.is(chunked.body.toString(), 'first second');
  } finally {
    await client.close();
    await server.close();
  }
});

test('a call past its deadline fails as a timeout, with those queued behind it; the next call gets a new socket', async (t) => {
  const server = await echoServer();
  const client = new PipelinedUpstreamClient({ connections: 1 });
  try {
    const started = Date.now();
    const slow = client.send(call(server.url, 'slow', { timeoutMs: 200 }));
    const behind = client.send(call(server.url, 'quick', { timeoutMs: 5_000 }));
    await t.throwsAsync(slow, { name: 'UpstreamError', message: /deadline/ });
    const elapsed = Date.now() - started;
    t.true(elapsed >= 200 && elapsed < 600, `${elapsed} ms`);
    const error = await t.throwsAsync(behind);
    t.is((error as { failure?: string }).failure, 'timeout');
    const after = await client.send(call(server.url, 'after'));
    t.is(after.body.toString(), 'echo after');
    t.is(server.connections(), 2);
  } finally {
    await client.close();
    await server.close();
  }
});

test('a lost socket fails its calls as connect errors; refused connections and bad headers too', async (t) => {
  const server = await echoServer();
  const client = new PipelinedUpstreamClient({ connections: 1 });
  try {
    const lost = await t.throwsAsync(client.send(call(server.url, 'drop')));
    t.is((lost as { failure?: string }).failure, 'connect');
    t.is((await client.send(call(server.url, 'again'))).body.toString(), 'echo again');

    const refused = await t.throwsAsync(client.send(call('http://127.0.0.1:1', 'x')));
    t.is((refused as { failure?: string }).failure, 'connect');
    t.regex(refused!.message, /ECONNREFUSED/);

    const injected = call(server.url, 'x', { headers: { 'x-evil': 'a\r\nx-other: b' } });
    await t.throwsAsync(client.send(injected), { message: /line break/ });
  } finally {
    await client.close();
    await server.close();
  }
});

test('idle sockets are closed by the client before the server would', async (t) => {
  const server = await echoServer();
  const client = new PipelinedUpstreamClient({ idleCloseMs: 100 });
  try {
    await client.send(call(server.url, 'one'));
    t.is(server.open(), 1);
    await waitFor('the idle socket closed', () => (server.open() === 0 ? true : undefined), {
      timeoutMs: 5_000,
      intervalMs: 10,
    });
    t.is((await client.send(call(server.url, 'two'))).body.toString(), 'echo two');
  } finally {
    await client.close();
    await server.close();
  }
});
