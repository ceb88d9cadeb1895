import net from 'node:net';
import test from 'ava';
import { testServer } from './helpers.js';

const limits = {
  bodyLimitBytes: 1_048_576,
  maxRecords: 1000,
  requestTimeoutMs: 500,
  connectionTimeoutMs: 800,
  keepAliveTimeoutMs: 5_000,
};

/** Opens a raw connection, writes `text`, resolves with what the server sent and when it closed. */
function slowClient(port: number, text: string): Promise<{ answer: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve({ answer, closedAfterMs: Date.now() - started }));
  });
}

test('a client that never finishes its request gets 408 and is disconnected (request timeout)', async (t) => {
  const app = await testServer({ limits: { ...limits, connectionTimeoutMs: 10_000 } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const port = (app.server.address() as net.AddressInfo).port;
    const partial =
      'POST /v1/predictions HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n[{';
    const { answer, closedAfterMs } = await slowClient(port, partial);
    t.regex(answer, /^HTTP\/1\.1 408 /);
    t.true(closedAfterMs >= 400 && closedAfterMs < 5_000, `closed after ${closedAfterMs} ms`);
  } finally {
    await app.close();
  }
});

test('an idle connection is closed (connection timeout)', async (t) => {
  const app = await testServer({ limits: { ...limits, requestTimeoutMs: 10_000 } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const port = (app.server.address() as net.AddressInfo).port;
    const { answer, closedAfterMs } = await slowClient(port, '');
    t.is(answer, '');
    t.true(closedAfterMs >= 400 && closedAfterMs < 5_000, `closed after ${closedAfterMs} ms`);
  } finally {
    await app.close();
  }
});
