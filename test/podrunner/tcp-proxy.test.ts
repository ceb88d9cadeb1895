import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import test from 'ava';
import { freePort } from '../cluster/index.js';
import { get } from './harness.js';
import { TcpProxy } from './tcp-proxy.js';

async function named(name: string, host = '127.0.0.1'): Promise<{ port: number; server: http.Server }> {
  const server = http.createServer((_req, res) => res.end(name));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { port: (server.address() as AddressInfo).port, server };
}

test('the proxy spreads connections round-robin and skips a backend that refuses', async (t) => {
  const a = await named('a');
  const b = await named('b');
  const dead = await freePort();
  const proxy = new TcpProxy('127.110.99.1', await freePort('127.110.99.1'));
  await proxy.listen();
  try {
    const address = `${proxy.host}:${proxy.port}`;
    proxy.setBackends([
      { host: '127.0.0.1', port: a.port },
      { host: '127.0.0.1', port: b.port },
    ]);
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) answers.push((await get(address)).body);
    t.deepEqual(answers, ['a', 'b', 'a', 'b']);

    proxy.setBackends([
      { host: '127.0.0.1', port: dead },
      { host: '127.0.0.1', port: b.port },
    ]);
    for (let i = 0; i < 3; i++) t.is((await get(address)).body, 'b', 'the refusing backend is skipped');
  } finally {
    await proxy.close();
    a.server.close();
    b.server.close();
  }
});

test('without ready backends a connection is closed at once', async (t) => {
  const proxy = new TcpProxy('127.110.99.2', await freePort('127.110.99.2'));
  await proxy.listen();
  try {
    const ended = await new Promise<string>((resolve) => {
      const socket = net.connect(proxy.port, proxy.host);
      socket.on('error', (e) => resolve(`error ${(e as NodeJS.ErrnoException).code}`));
      socket.on('close', () => resolve('closed'));
    });
    t.regex(ended, /closed|ECONNRESET/);
    await t.throwsAsync(get(`${proxy.host}:${proxy.port}`));
  } finally {
    await proxy.close();
  }
});

test('a port already in use is reported by listen()', async (t) => {
  const first = new TcpProxy('127.110.99.3', await freePort('127.110.99.3'));
  await first.listen();
  const second = new TcpProxy(first.host, first.port);
  await t.throwsAsync(second.listen(), { code: 'EADDRINUSE' });
  await first.close();
});
