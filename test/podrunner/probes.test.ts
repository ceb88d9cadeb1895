import http from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { waitFor } from '../cluster/index.js';
import { probeCheck, probeSchedule, ProbeLoop } from './probes.js';

test('probes poll at least every 500 ms and keep the failure window of the spec', (t) => {
  t.deepEqual(probeSchedule({}), {
    intervalMs: 500,
    initialDelayMs: 0,
    timeoutMs: 1000,
    failuresNeeded: 60, // 3 × 10 s of failures, polled every 0.5 s
    successesNeeded: 1,
  });
  t.like(
    probeSchedule({ periodSeconds: 1, failureThreshold: 1, successThreshold: 2, initialDelaySeconds: 3 }),
    {
      intervalMs: 500,
      failuresNeeded: 2,
      successesNeeded: 2,
      initialDelayMs: 3000,
    },
  );
});

async function server(statusFor: (url: string) => number): Promise<{ port: number; close(): void }> {
  const s = http.createServer((req, res) => {
    res.statusCode = statusFor(req.url ?? '');
    res.end();
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return { port: (s.address() as AddressInfo).port, close: () => s.close() };
}

test('httpGet succeeds on 2xx and 3xx, fails on 5xx or a refused connection; named ports resolve', async (t) => {
  const s = await server((url) => Number(url.slice(1)));
  try {
    const container = { name: 'c', ports: [{ name: 'http', containerPort: s.port }] };
    const check = (path: string, port: number | string = 'http') =>
      probeCheck({ httpGet: { path, port } }, container, '127.0.0.1', {})();
    t.true(await check('/200'));
    t.true(await check('/302'));
    t.false(await check('/503'));
    t.false(await check('/404'));
    s.close();
    t.false(await check('/200'), 'nothing listening');
    t.throws(() => probeCheck({ httpGet: { path: '/', port: 'nope' } }, container, '127.0.0.1', {}), {
      message: "probe port 'nope': no containerPort of that name",
    });
  } finally {
    s.close();
  }
});

test('tcpSocket and exec probes', async (t) => {
  const s = await server(() => 200);
  try {
    t.true(await probeCheck({ tcpSocket: { port: s.port } }, { name: 'c' }, '127.0.0.1', {})());
    t.true(await probeCheck({ exec: { command: ['true'] } }, { name: 'c' }, '127.0.0.1', process.env)());
    t.false(await probeCheck({ exec: { command: ['false'] } }, { name: 'c' }, '127.0.0.1', process.env)());
  } finally {
    s.close();
  }
  t.throws(() => probeCheck({ grpc: { port: 1 } }, { name: 'c' }, '127.0.0.1', {}), {
    message: /only httpGet/,
  });
});

test('a probe loop reports a change only after enough consecutive results', async (t) => {
  const results = [true, false, true, false, false, true, true, false, true, false, false];
  const changes: boolean[] = [];
  let polls = 0;
  const schedule = {
    intervalMs: 1,
    initialDelayMs: 0,
    timeoutMs: 100,
    failuresNeeded: 2,
    successesNeeded: 2,
  };
  const loop = new ProbeLoop(
    schedule,
    async () => results[Math.min(polls++, results.length - 1)],
    (v) => changes.push(v),
    false,
  );
  loop.start();
  await waitFor('all results polled', () => (polls >= results.length + 2 ? true : undefined), {
    intervalMs: 5,
  });
  loop.stop();
  // Ready after the first pair of successes (index 6), not ready after the first pair of failures (index 10).
  t.deepEqual(changes, [true, false]);
  t.true(polls >= results.length);
});
