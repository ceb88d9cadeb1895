/**
 * Router benchmark: `npx tsx test/bench/router.ts [--seconds N] [--rounds N]`
 *
 * Separate processes: two stand-in model-servers (master, candidate), the router
 * (`model-server router`, routes from a file it re-reads) and a load generator per run
 * (`router-load.ts`: autocannon, or an open-loop paced sender).
 *  1. Added latency: p50/p99 at 1,000 req/s calling master directly vs through the router
 *     (no mirroring), paced (one request per ms) and with autocannon's bursty rate limiter.
 *     Target: p99 added <= 1 ms. A minimal Node proxy (helpers/minimal-proxy.ts) is paced the same
 *     way as a reference: what any Node proxy adds on this machine.
 *  2. Mirroring cost: throughput at full speed through the router with 0% vs 100% mirroring.
 *     Target: with >= 80% of without.
 * Runs alternate (direct/router, 0%/100%) and repeat; the median of the rounds is reported.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { freePort } from '../cluster/ports.js';
import { processCpuSeconds } from '../cluster/process.js';
import { serializeRoutesConfig, type RoutesConfig } from '../../model-server/src/router/routes-config.js';

const HERE = import.meta.dirname;
const MAIN = path.resolve(HERE, '../../model-server/src/main.ts');

interface LoadResult {
  requests: number;
  rps: number;
  non2xx: number;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
}

type LoadMode = 'autocannon' | 'paced';

const { values: flags } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, rounds: { type: 'string', default: '3' } },
});
const SECONDS = Number(flags.seconds);
const ROUNDS = Number(flags.rounds);
const BODY = JSON.stringify([
  { GrLivArea: 1710, LotArea: 8450, OverallQual: 7, YearBuilt: 2003, Neighborhood: 'CollgCr' },
]);

const children: ChildProcess[] = [];
const dir = mkdtempSync(path.join(tmpdir(), 'router-bench-'));
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function spawnTsx(file: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return child;
}

async function firstLine(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const match = pattern.exec(line);
    if (match) return match;
  }
  throw new Error(`process ended without printing ${pattern}`);
}

async function startHelper(file: string, args: string[]): Promise<{ url: string; pid: number }> {
  const child = spawnTsx(path.join(HERE, 'helpers', file), args);
  const [, port] = await firstLine(child, /^listening (\d+)$/);
  return { url: `http://127.0.0.1:${port}`, pid: child.pid! };
}

const startUpstream = (version: string, factor: number) =>
  startHelper('router-upstream.ts', [version, String(factor)]);

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function readyInfo(url: string): Promise<{ ready?: boolean; mirrorPercent?: number }> {
  const res = await request(`${url}/ready`);
  return (await res.body.json()) as { ready?: boolean; mirrorPercent?: number };
}

async function setRoutes(file: string, routerUrl: string, config: RoutesConfig): Promise<void> {
  writeFileSync(file, serializeRoutesConfig(config));
  await waitUntil(
    'routes applied',
    async () => (await readyInfo(routerUrl)).mirrorPercent === config.mirrorPercent,
  );
}

async function load(
  url: string,
  connections: number,
  seconds: number,
  rate?: number,
  mode: LoadMode = 'autocannon',
): Promise<LoadResult> {
  const child = spawnTsx(path.join(HERE, 'helpers/router-load.ts'), [
    JSON.stringify({ url: `${url}/v1/predictions`, mode, connections, seconds, rate, body: BODY }),
  ]);
  const [line] = await firstLine(child, /^\{.*\}$/);
  return JSON.parse(line) as LoadResult;
}

async function routerMetric(routerUrl: string, name: string): Promise<number> {
  const res = await request(`${routerUrl}/metrics`);
  const text = await res.body.text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x.toFixed(3)} ms`;

interface Measured extends LoadResult {
  /** Router CPU time per client request, in microseconds. */
  routerCpuUs: number;
  /** CPU time per client request of master + candidate together, in microseconds. */
  upstreamCpuUs: number;
}

async function main(): Promise<void> {
  console.log(
    `router benchmark: ${cpus().length} CPUs, node ${process.version}, ${SECONDS} s per run, ${ROUNDS} rounds`,
  );
  const [master, candidate] = await Promise.all([startUpstream('1.0.0', 1), startUpstream('1.1.0', 1.02)]);
  const routesFile = path.join(dir, 'routes.json');
  const base: RoutesConfig = {
    master: { url: master.url, version: '1.0.0' },
    candidate: { url: candidate.url, version: '1.1.0' },
    canaryWeight: 0,
    mirrorPercent: 0,
    shadowTolerance: 0.05,
  };
  writeFileSync(routesFile, serializeRoutesConfig(base));
  const port = await freePort();
  const router = spawnTsx(
    MAIN,
    ['router', '--config-file', routesFile, '--host', '127.0.0.1', '--port', String(port)],
    {
      LOG_LEVEL: 'warn',
      MODEL_NAME: 'bench',
    },
  );
  const routerUrl = `http://127.0.0.1:${port}`;
  await waitUntil('router ready', async () => (await readyInfo(routerUrl)).ready === true);
  // Reference: what any Node proxy adds on this machine (node:http + undici, nothing else).
  const minimalProxy = await startHelper('minimal-proxy.ts', [master.url]);

  const measure = async (
    url: string,
    connections: number,
    rate?: number,
    mode?: LoadMode,
  ): Promise<Measured> => {
    const cpu = () => [
      processCpuSeconds(router.pid!),
      processCpuSeconds(master.pid) + processCpuSeconds(candidate.pid),
    ];
    const [r0, u0] = cpu();
    const result = await load(url, connections, SECONDS, rate, mode);
    const [r1, u1] = cpu();
    const perRequest = (seconds: number) => (seconds * 1e6) / Math.max(1, result.requests);
    return { ...result, routerCpuUs: perRequest(r1 - r0), upstreamCpuUs: perRequest(u1 - u0) };
  };

  // Warm-up: JIT, connection pools, both code paths.
  await load(master.url, 10, 3);
  await load(routerUrl, 10, 3);
  await load(minimalProxy.url, 10, 3);
  await setRoutes(routesFile, routerUrl, { ...base, mirrorPercent: 100 });
  await load(routerUrl, 10, 3);
  await setRoutes(routesFile, routerUrl, base);

  console.log('\n1. latency at 1,000 req/s, direct vs through the router (no mirroring)');
  console.log('   paced: one request every 1 ms (open loop, 32 connections available)');
  console.log("   autocannon: -R 1000 -c 10 (each connection's quota sent back to back every second)");
  const runs: Record<string, Measured[]> = {
    pacedDirect: [],
    pacedRouter: [],
    pacedMinimal: [],
    burstDirect: [],
    burstRouter: [],
  };
  for (let round = 1; round <= ROUNDS; round++) {
    const pd = await measure(master.url, 32, 1_000, 'paced');
    const pr = await measure(routerUrl, 32, 1_000, 'paced');
    const pm = await measure(minimalProxy.url, 32, 1_000, 'paced');
    const bd = await measure(master.url, 10, 1_000);
    const br = await measure(routerUrl, 10, 1_000);
    runs.pacedDirect.push(pd);
    runs.pacedRouter.push(pr);
    runs.pacedMinimal.push(pm);
    runs.burstDirect.push(bd);
    runs.burstRouter.push(br);
    const row = (name: string, d: Measured, r: Measured) =>
      `  round ${round} ${name}: direct p50 ${ms(d.p50)} p99 ${ms(d.p99)} (${d.rps.toFixed(0)} req/s) | ` +
      `router p50 ${ms(r.p50)} p99 ${ms(r.p99)} (${r.rps.toFixed(0)} req/s, non-2xx ${r.non2xx + r.errors}, ` +
      `router CPU ${r.routerCpuUs.toFixed(0)} µs/req)`;
    console.log(row('paced     ', pd, pr));
    console.log(
      `  round ${round} paced minimal proxy: p50 ${ms(pm.p50)} p99 ${ms(pm.p99)} (${pm.rps.toFixed(0)} req/s)`,
    );
    console.log(row('autocannon', bd, br));
  }
  const med = (key: string, field: 'p50' | 'p90' | 'p99') => median(runs[key].map((r) => r[field]));
  // Differences per round (direct and router measured back to back), then their median.
  const added = (router: string, direct: string, field: 'p50' | 'p90' | 'p99') =>
    runs[router].map((r, i) => r[field] - runs[direct][i][field]);
  const addedP50 = median(added('pacedRouter', 'pacedDirect', 'p50'));
  const addedP90 = median(added('pacedRouter', 'pacedDirect', 'p90'));
  const addedP99s = added('pacedRouter', 'pacedDirect', 'p99');
  const addedP99 = median(addedP99s);
  const minimalAddedP99s = added('pacedMinimal', 'pacedDirect', 'p99');
  const burstAddedP99 = median(added('burstRouter', 'burstDirect', 'p99'));

  console.log('\n2. throughput at full speed (32 connections) through the router, mirroring 0% vs 100%');
  const plain: Measured[] = [];
  const mirrored: Measured[] = [];
  let sent = 0;
  let dropped = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    await setRoutes(routesFile, routerUrl, base);
    const p = await measure(routerUrl, 32);
    await setRoutes(routesFile, routerUrl, { ...base, mirrorPercent: 100 });
    const sentBefore = await routerMetric(routerUrl, 'router_mirrored_requests_total');
    const droppedBefore = await routerMetric(routerUrl, 'router_mirrors_dropped_total');
    const m = await measure(routerUrl, 32);
    sent += (await routerMetric(routerUrl, 'router_mirrored_requests_total')) - sentBefore;
    dropped += (await routerMetric(routerUrl, 'router_mirrors_dropped_total')) - droppedBefore;
    plain.push(p);
    mirrored.push(m);
    console.log(
      `  round ${round}: mirror 0% ${p.rps.toFixed(0)} req/s (p99 ${ms(p.p99)}; CPU/req router ${p.routerCpuUs.toFixed(0)} µs, ` +
        `upstreams ${p.upstreamCpuUs.toFixed(0)} µs) | mirror 100% ${m.rps.toFixed(0)} req/s (p99 ${ms(m.p99)}, ` +
        `non-2xx ${m.non2xx + m.errors}; CPU/req router ${m.routerCpuUs.toFixed(0)} µs, upstreams ${m.upstreamCpuUs.toFixed(0)} µs)`,
    );
  }
  await setRoutes(routesFile, routerUrl, base);
  const throughputRatio = median(mirrored.map((m) => m.rps)) / median(plain.map((p) => p.rps));
  const routerCapacityRatio =
    median(plain.map((p) => p.routerCpuUs)) / median(mirrored.map((m) => m.routerCpuUs));
  const compared = await routerMetric(routerUrl, 'router_shadow_compared_records_total');
  const shadowErrors = await routerMetric(routerUrl, 'router_shadow_errors_total');

  console.log('\nsummary (medians of the rounds)');
  console.log(
    `  paced 1,000 req/s: direct p50 ${ms(med('pacedDirect', 'p50'))} p90 ${ms(med('pacedDirect', 'p90'))} ` +
      `p99 ${ms(med('pacedDirect', 'p99'))}; router p50 ${ms(med('pacedRouter', 'p50'))} ` +
      `p90 ${ms(med('pacedRouter', 'p90'))} p99 ${ms(med('pacedRouter', 'p99'))}`,
  );
  console.log(
    `  added latency (paced): p50 ${ms(addedP50)}, p90 ${ms(addedP90)}, p99 ${ms(addedP99)} ` +
      `[rounds: ${addedP99s.map((x) => x.toFixed(3)).join(', ')}]  (target p99 <= 1 ms: ${addedP99 <= 1 ? 'met' : 'MISSED'})`,
  );
  console.log(
    `  added p99 (paced) of a minimal Node proxy (node:http + undici, no routing, metrics or logs): ` +
      `${ms(median(minimalAddedP99s))} [rounds: ${minimalAddedP99s.map((x) => x.toFixed(3)).join(', ')}]`,
  );
  console.log(`  added p99 with autocannon -R 1000 -c 10 (bursts of 10): ${ms(burstAddedP99)}`);
  console.log(
    `  throughput: ${median(plain.map((p) => p.rps)).toFixed(0)} req/s without mirroring, ` +
      `${median(mirrored.map((m) => m.rps)).toFixed(0)} req/s with 100% mirroring`,
  );
  console.log(
    `  ratio with/without mirroring: ${throughputRatio.toFixed(3)}  (target >= 0.8: ${throughputRatio >= 0.8 ? 'met' : 'MISSED'})`,
  );
  console.log(
    `  router CPU per request: ${median(plain.map((p) => p.routerCpuUs)).toFixed(0)} µs without mirroring, ` +
      `${median(mirrored.map((m) => m.routerCpuUs)).toFixed(0)} µs with; router capacity ratio ${routerCapacityRatio.toFixed(3)}`,
  );
  // Every process shares the machine's CPUs, so the candidate answering each copy costs master
  // throughput even if the router's copies were free.
  const machineUs = (cpus().length * 1e6) / median(plain.map((p) => p.rps));
  const candidateUs =
    median(mirrored.map((m) => m.upstreamCpuUs)) - median(plain.map((p) => p.upstreamCpuUs));
  console.log(
    `  all CPUs per request without mirroring ${machineUs.toFixed(0)} µs; the candidate adds ${candidateUs.toFixed(0)} µs ` +
      `per copy: copies costing the router nothing would give at most ${(machineUs / (machineUs + candidateUs)).toFixed(3)}`,
  );
  console.log(
    `  mirrored copies sent ${sent}, dropped at the in-flight cap ${dropped} ` +
      `(${((100 * dropped) / Math.max(1, sent + dropped)).toFixed(2)}%); records compared ${compared}, shadow errors ${shadowErrors}`,
  );
}

await main();
process.exit(0);
