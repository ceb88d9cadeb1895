/**
 * Load generator for the router and serve benchmarks, run as its own process:
 *   tsx test/bench/helpers/router-load.ts '<json options>'
 * options: {url, mode, rate?, connections, seconds, body}. Prints one JSON line with the figures.
 *
 * - mode `autocannon`: autocannon, at `rate` overall req/s or as fast as possible. Its rate
 *   limiter gives each connection its quota at the start of every second, which the connection
 *   then sends back to back, so a "1,000 req/s" run is really bursts of `connections`
 *   concurrent requests.
 * - mode `paced`: an open-loop generator that sends one request every 1/rate s (undici Pool),
 *   never waiting for answers. Node timers tick at ~1 ms, so requests leave at most ~1 ms late;
 *   latency counts from the moment a request is handed to the pool.
 *
 * Both record every 2xx latency at full resolution (autocannon's own histogram has 1 ms steps).
 */
import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';
import { Pool } from 'undici';

/** The part of autocannon's API used here (the package ships no types). */
interface AutocannonResult {
  requests: { total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (opts: Record<string, unknown>) => EventEmitter & PromiseLike<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

interface LoadOptions {
  url: string;
  mode: 'autocannon' | 'paced';
  rate?: number;
  connections: number;
  seconds: number;
  body: string;
}

interface Counts {
  requests: number;
  non2xx: number;
  errors: number;
}

const options = JSON.parse(process.argv[2]) as LoadOptions;
const latencies: number[] = [];

async function runAutocannon(): Promise<Counts> {
  const instance = autocannon({
    url: options.url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: options.body,
    connections: options.connections,
    duration: options.seconds,
    overallRate: options.rate,
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
  });
  const result = await instance;
  return { requests: result.requests.total, non2xx: result.non2xx, errors: result.errors + result.timeouts };
}

async function runPaced(): Promise<Counts> {
  const url = new URL(options.url);
  const pool = new Pool(url.origin, { connections: options.connections });
  const body = Buffer.from(options.body);
  const intervalMs = 1000 / options.rate!;
  const total = Math.round(options.rate! * options.seconds);
  const counts: Counts = { requests: 0, non2xx: 0, errors: 0 };
  const inFlight = new Set<Promise<void>>();
  const send = () => {
    const sentAt = performance.now();
    const done = pool
      .request({ path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json' }, body })
      .then(async (res) => {
        await res.body.arrayBuffer();
        counts.requests++;
        if (res.statusCode >= 200 && res.statusCode < 300) latencies.push(performance.now() - sentAt);
        else counts.non2xx++;
      })
      .catch(() => {
        counts.errors++;
      });
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  };
  const start = performance.now();
  let next = 0;
  while (next < total) {
    const now = performance.now();
    while (next < total && start + next * intervalMs <= now) {
      send();
      next++;
    }
    // setTimeout(0) sleeps ~1 ms: the requests due meanwhile go out together on the next pass.
    await new Promise((r) => setTimeout(r, 0));
  }
  await Promise.all(inFlight);
  await pool.close();
  return counts;
}

const started = performance.now();
const counts = options.mode === 'paced' ? await runPaced() : await runAutocannon();
const seconds = options.mode === 'paced' ? (performance.now() - started) / 1000 : options.seconds;
latencies.sort((a, b) => a - b);
const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
process.stdout.write(
  JSON.stringify({
    ...counts,
    rps: counts.requests / seconds,
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    p999: q(0.999),
  }) + '\n',
);
