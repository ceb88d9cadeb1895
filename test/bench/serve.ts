/**
 * Benchmark of `model-server serve`: the server runs in its own process (real artifact, metrics,
 * per-request JSON log, PostgreSQL persistence on), autocannon runs in this process, the paced
 * 1,000 req/s run in a process of its own (router-load.ts).
 * Reference: a fastify hello-world route in another process, measured in the same run; beside it,
 * a bare POST route of the same process that parses the single-record body and answers a small
 * JSON object with no model, metrics, log or store: the share of the ratio fastify and the body
 * already take.
 *
 *   npx tsx test/bench/serve.ts            (or: npm run bench -- test/bench/serve.ts)
 *   BENCH_SECONDS=10 to change the duration of each phase; BENCH_ARTIFACT=course-gbm to serve
 *   another artifact; BENCH_LOG_INPUTS=false to leave inputs out of the log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { processCpuSeconds, sharedControlPlane } from '../cluster/index.js';
import { readPayload } from '../../model-server/src/diff/payloads.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

/** Scratch directories (server logs, journal) and server processes, removed at exit. */
const scratch: string[] = [];
const children: ChildProcess[] = [];
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  scratch.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

/** The part of autocannon's options and result used here (the package ships no types). */
interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  duration?: number;
  overallRate?: number;
}
interface LoadResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (
  options: LoadOptions,
) => Promise<LoadResult>;
const ROOT = path.resolve(import.meta.dirname, '../..');

interface Server {
  url: string;
  child: ChildProcess;
  logFile: string;
}

/**
 * Starts a process with its stdout (the per-request log) going to a file, as a container runtime
 * would take it, and waits for the JSON log line that carries the listening address.
 */
async function startServer(name: string, args: string[], env: Record<string, string>): Promise<Server> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `bench-${name}-`));
  scratch.push(dir);
  const logFile = path.join(dir, 'stdout.log');
  const out = openSync(logFile, 'w');
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', out, 'inherit'],
  });
  children.push(child);
  closeSync(out);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const address = /"address":"([^"]+)"/.exec(readFileSync(logFile, 'utf8'))?.[1];
    if (address) return { url: address, child, logFile };
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`${name} did not start within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function stop(server: Server): Promise<number | null> {
  server.child.kill('SIGTERM');
  const [code] = (await once(server.child, 'exit')) as [number | null];
  return code;
}

const HELLO = `
import Fastify from 'fastify';
const app = Fastify();
app.get('/', async () => ({ hello: 'world' }));
app.post('/bare', async (request) => ({ predictions: [request.body.length], version: 'bare', errors: [] }));
const address = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(JSON.stringify({ address }));
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
`;

interface Measured extends LoadResult {
  /** User + system CPU time of the server process per request answered. */
  cpuMicrosPerRequest: number;
}

/** One load phase against `server`; server CPU per request is robust to a busy machine. */
async function run(server: Server, options: LoadOptions): Promise<Measured> {
  const before = processCpuSeconds(server.child.pid!);
  const result = await autocannon({ duration: SECONDS, ...options });
  const used = processCpuSeconds(server.child.pid!) - before;
  return { ...result, cpuMicrosPerRequest: (used * 1e6) / Math.max(1, result.requests.total) };
}

/** The artifact to serve: BENCH_ARTIFACT (a name in model-server/artifacts), the 600-stage model by default. */
function artifactPath(): string {
  const file = path.join(
    ROOT,
    'model-server/artifacts',
    `${process.env.BENCH_ARTIFACT ?? 'default-gbm'}.json`,
  );
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run setup (npm run bench does it)`);
  return file;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** What router-load.ts prints for a paced run. */
interface PacedResult {
  requests: number;
  non2xx: number;
  errors: number;
  p50: number;
  p99: number;
}

/**
 * An open-loop run at `rate` req/s, one request every 1/rate s (router-load.ts in its own
 * process): unlike autocannon's rate limiter, which sends each connection's quota back to back
 * at the start of every second, this is a steady 1,000 req/s.
 */
async function paced(url: string, body: string, rate: number): Promise<PacedResult> {
  const options = { url, mode: 'paced', rate, connections: 20, seconds: SECONDS, body };
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'test/bench/helpers/router-load.ts'), JSON.stringify(options)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`the paced load generator exited with ${code}`);
  return JSON.parse(out.trim()) as PacedResult;
}

async function main(): Promise<void> {
  const plane = await sharedControlPlane();
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const payload = await readPayload(path.join(ROOT, 'model-server/data/test.csv'));
  const records = payload.records.filter(
    (record) => record.LotFrontage !== null && record.MasVnrArea !== null,
  );
  const one = JSON.stringify([records[0]]);
  const hundred = JSON.stringify(records.slice(0, 100));

  const journalDir = await mkdtemp(path.join(os.tmpdir(), 'bench-journal-'));
  scratch.push(journalDir);
  const loadBefore = os.loadavg()[0];
  const hello = await startServer('hello', ['--input-type=module', '-e', HELLO], {});
  const serve = await startServer('serve', ['--import', 'tsx', 'model-server/src/main.ts', 'serve'], {
    HOST: '127.0.0.1',
    PORT: '0',
    MODEL_ARTIFACT: artifactPath(),
    MODEL_VARIANT: 'master',
    DATABASE_URL: plane.postgresUrl,
    STORE_SCHEMA: schema,
    JOURNAL_DIR: journalDir,
    LOG_LEVEL: 'info',
    LOG_INPUTS: process.env.BENCH_LOG_INPUTS ?? 'true',
  });
  const post = { method: 'POST' as const, headers: { 'content-type': 'application/json' } };
  try {
    // Warm-up (JIT, connections, first migrations) before anything is measured.
    const warmUp = await run(serve, {
      url: `${serve.url}/v1/predictions`,
      ...post,
      body: one,
      connections: 10,
      duration: 3,
    });
    await run(hello, { url: hello.url, connections: 10, duration: 3 });

    const helloMax = await run(hello, { url: hello.url, connections: 50 });
    const bare = await run(hello, { url: `${hello.url}/bare`, ...post, body: one, connections: 50 });
    const single = await run(serve, {
      url: `${serve.url}/v1/predictions`,
      ...post,
      body: one,
      connections: 50,
    });
    const fixed = await run(serve, {
      url: `${serve.url}/v1/predictions`,
      ...post,
      body: one,
      connections: 20,
      overallRate: 1000,
    });
    const steady = await paced(`${serve.url}/v1/predictions`, one, 1000);
    const batch = await run(serve, {
      url: `${serve.url}/v1/predictions`,
      ...post,
      body: hundred,
      connections: 20,
    });

    const phases = [warmUp, helloMax, bare, single, fixed, batch];
    const rowsPerSecond = batch.requests.average * 100;
    const perRequest = (result: Measured) => `${fmt(result.cpuMicrosPerRequest)} µs server CPU/request`;
    console.log(
      `CPUs: ${os.cpus().length} x ${os.cpus()[0]?.model}; load average before ${loadBefore.toFixed(1)}; ` +
        `${SECONDS} s per phase; node ${process.version}; artifact ${path.basename(artifactPath())}; ` +
        `log inputs ${process.env.BENCH_LOG_INPUTS ?? 'true'}`,
    );
    console.log(
      `hello-world GET (reference):    ${fmt(helloMax.requests.average)} req/s, p99 ${helloMax.latency.p99} ms; ${perRequest(helloMax)}`,
    );
    console.log(
      `bare POST of the same body:     ${fmt(bare.requests.average)} req/s (${(bare.requests.average / helloMax.requests.average).toFixed(3)} of hello-world); ${perRequest(bare)}`,
    );
    console.log(
      `single-record POST, max:        ${fmt(single.requests.average)} req/s, p50 ${single.latency.p50} ms, ` +
        `p99 ${single.latency.p99} ms; ${perRequest(single)} (target >= 5,000 req/s)`,
    );
    console.log(
      `ratio to hello-world:           ${(single.requests.average / helloMax.requests.average).toFixed(3)} req/s, ` +
        `${(helloMax.cpuMicrosPerRequest / single.cpuMicrosPerRequest).toFixed(3)} by server CPU per request (target >= 0.35)`,
    );
    console.log(
      `single-record POST at 1,000/s:  ${fmt(fixed.requests.average)} req/s, p50 ${fixed.latency.p50} ms, ` +
        `p99 ${fixed.latency.p99} ms (autocannon: bursts of 20 at the start of each second's quota)`,
    );
    console.log(
      `single-record POST, paced:      ${fmt(steady.requests / SECONDS)} req/s (one every 1 ms), ` +
        `p50 ${steady.p50.toFixed(2)} ms, p99 ${steady.p99.toFixed(2)} ms (target p99 <= 10 ms)`,
    );
    console.log(
      `100-record POST, max:           ${fmt(batch.requests.average)} req/s = ${fmt(rowsPerSecond)} rows/s, ` +
        `p99 ${batch.latency.p99} ms; ${fmt(batch.cpuMicrosPerRequest / 100)} µs server CPU/row (target >= 50,000 rows/s)`,
    );
    console.log(
      `non-2xx answers: ${phases.reduce((n, r) => n + r.non2xx, 0) + steady.non2xx}, ` +
        `errors: ${phases.reduce((n, r) => n + r.errors, 0) + steady.errors}`,
    );

    const code = await stop(serve);
    const client = new pg.Client({ connectionString: plane.postgresUrl });
    await client.connect();
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${schema}".predictions`,
    );
    await client.query(`DROP SCHEMA "${schema}" CASCADE`);
    await client.end();
    const answered =
      warmUp.requests.total +
      single.requests.total +
      fixed.requests.total +
      steady.requests +
      batch.requests.total * 100;
    // autocannon stops counting at the deadline; requests still in flight then are answered and stored too.
    console.log(
      `rows stored after SIGTERM: ${fmt(rows[0].n)} for ${fmt(answered)} records sent; serve exit code ${code}`,
    );
  } finally {
    if (serve.child.exitCode === null) await stop(serve);
    await stop(hello);
  }
}

await main();
process.exit(0);
