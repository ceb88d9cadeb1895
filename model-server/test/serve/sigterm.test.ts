import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import test from 'ava';
import { Agent, request } from 'undici';
import { query, sharedPostgresUrl, tempDir, uniqueSchema } from '../store/pg-helpers.js';
import { artifactPath, testRecords } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const WORKERS = 8;

test('SIGTERM in the middle of a load: every accepted request was answered and is stored; exit 0', async (t) => {
  const url = await sharedPostgresUrl();
  const schema = uniqueSchema('sigterm');
  const journalDir = await tempDir('sigterm-journal');
  const child = spawn(process.execPath, ['--import', 'tsx', 'model-server/src/main.ts', 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      MODEL_ARTIFACT: await artifactPath(),
      MODEL_VARIANT: 'master',
      DATABASE_URL: url,
      STORE_SCHEMA: schema,
      JOURNAL_DIR: journalDir,
      // A long flush interval: rows are still in memory when SIGTERM arrives.
      BATCH_SIZE: '5000',
      FLUSH_INTERVAL_MS: '60000',
      SHUTDOWN_DELAY_MS: '300',
      LOG_LEVEL: 'info',
      LOG_INPUTS: 'false',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  const address = await new Promise<string>((resolve, reject) => {
    void exited.then(([code]) => reject(new Error(`serve exited early with ${code}`)));
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /"address":"([^"]+)"/.exec(line);
      if (match) resolve(match[1]);
    });
  });

  const records = (await testRecords()).slice(0, 50);
  const agent = new Agent({ connections: WORKERS });
  const accepted = new Map<string, number>();
  const outcomes = new Map<string, number>();
  let acceptedAfterSignal = 0;
  let signalled = false;
  let stopped = false;
  const worker = async (w: number) => {
    for (let n = 0; !stopped; n++) {
      const id = `w${w}-${n}`;
      const batch = records.slice(n % 40, (n % 40) + 1 + (n % 3));
      try {
        const response = await request(`${address}/v1/predictions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': id },
          body: JSON.stringify(batch),
          dispatcher: agent,
        });
        await response.body.text();
        const key = String(response.statusCode);
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
        if (response.statusCode === 200) {
          accepted.set(id, batch.length);
          if (signalled) acceptedAfterSignal++;
        }
      } catch (error) {
        const code = (error as { code?: string }).code ?? 'error';
        outcomes.set(code, (outcomes.get(code) ?? 0) + 1);
        if (code === 'ECONNREFUSED') return; // the listener is gone
      }
    }
  };
  const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  while (accepted.size < 500) await new Promise((resolve) => setTimeout(resolve, 10));
  signalled = true;
  child.kill('SIGTERM');
  const [code, signal] = await exited;
  stopped = true;
  await load;
  await agent.close();

  t.log(Object.fromEntries(outcomes), { accepted: accepted.size, acceptedAfterSignal });
  t.is(signal, null);
  t.is(code, 0);
  t.true(acceptedAfterSignal > 0, 'requests kept being answered while draining');
  // Not accepted, and told so: 503 (arrived while closing), or no connection at all (refused, or
  // reset when the listener closed with the connection still in the kernel's accept queue).
  for (const key of outcomes.keys()) {
    t.true(['200', '503', 'ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET'].includes(key), key);
  }

  const stored = await query<{ request_id: string; n: number }>(
    url,
    `SELECT request_id, count(*)::int AS n FROM "${schema}".predictions GROUP BY request_id`,
  );
  const storedCounts = new Map(stored.map((row) => [row.request_id, row.n]));
  const missing = [...accepted].filter(([id, n]) => storedCounts.get(id) !== n);
  t.deepEqual(missing, [], 'every accepted request is stored with all its records');
  t.true(
    stored.every((row) => accepted.has(row.request_id)),
    'nothing stored that was not answered',
  );
  t.deepEqual(
    (await readdir(journalDir)).filter((name) => name.startsWith('segment-')),
    [],
    'nothing left in the journal',
  );
});
