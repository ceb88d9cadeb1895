/**
 * Load generator for the router benchmark, run as its own process:
 *   tsx test/bench/router-load.ts '<json options>'
 * options: {url, rate?, connections, seconds, body}. Runs autocannon (rate = overall req/s, or
 * as fast as possible without it), records every 2xx latency at full resolution (autocannon's
 * own histogram has 1 ms steps), and prints one JSON line with the figures.
 */
import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';

/** The part of autocannon's API used here (the package ships no types). */
interface AutocannonResult {
  requests: { total: number };
  latency: { p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (opts: Record<string, unknown>) => EventEmitter & PromiseLike<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

interface LoadOptions {
  url: string;
  rate?: number;
  connections: number;
  seconds: number;
  body: string;
}

const options = JSON.parse(process.argv[2]) as LoadOptions;
const latencies: number[] = [];

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
latencies.sort((a, b) => a - b);
const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
process.stdout.write(
  JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.total / options.seconds,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    p999: q(0.999),
    autocannonP99: result.latency.p99,
  }) + '\n',
);
