/**
 * Operator scale benchmark: `npx tsx test/bench/operator.ts [--count 500] [--settle-seconds 40]`
 *
 * Creates N idle ModelDeployments on the local control plane's API server, then runs the
 * operator as its own process — compiled with tsc first, as the image runs it (tsx alone adds
 * about 100 MB of RSS) — watching that namespace at log level debug so each pass logs its
 * duration, and measures:
 *  - the cold start: time until every ModelDeployment has a status, and the passes it took;
 *  - steady state: passes of the periodic resync / requeues once all are settled and the API
 *    server has seen no write to the operator's kinds for 5 s;
 *  - operator RSS (current and peak) from /proc;
 *  - API requests per steady-state pass, from the API server's own `apiserver_request_total`:
 *    writes (APPLY, PATCH, PUT, POST) and GETs of the kinds the operator manages, plus the Events
 *    it recorded. The counters are the whole API server's: once the bench namespace is settled
 *    nothing but the operator touches those kinds there, so run it on a plane no test uses
 *    meanwhile.
 * Targets: RSS < 250 MB, reconcile p99 < 200 ms. As a same-run reference, the p99 of a single
 * GET of a ModelDeployment is measured and each p99 is also given as a multiple of it.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import https from 'node:https';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  loadYaml,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import type { V1CustomResourceDefinition } from '@kubernetes/client-node';
import { processCpuSeconds, sharedControlPlane, waitFor } from '../cluster/index.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const { values: flags } = parseArgs({
  options: { count: { type: 'string', default: '500' }, 'settle-seconds': { type: 'string', default: '40' } },
});
const COUNT = Number(flags.count);
const SETTLE_MS = Number(flags['settle-seconds']) * 1000;
const group = 'modelrollout.io';
const version = 'v1alpha1';
const plural = 'modeldeployments';

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

function rssMb(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/**
 * Kinds (API server `resource` label) the operator reads and writes, but Events: the deployment
 * controller records Events too (about pods, for minutes after a cold start of hundreds), so the
 * operator's are counted from the Events themselves.
 */
const OPERATOR_RESOURCES = new Set([
  'modeldeployments',
  'deployments',
  'services',
  'configmaps',
  'serviceaccounts',
  'roles',
  'rolebindings',
  'httproutes',
]);
const WRITE_VERBS = new Set(['APPLY', 'PATCH', 'PUT', 'POST']);

/** Requests the API server has served for OPERATOR_RESOURCES so far: writes and GETs, by verb and kind. */
async function apiRequests(
  kc: KubeConfig,
): Promise<{ writes: Map<string, number>; gets: Map<string, number> }> {
  const url = new URL(`${kc.getCurrentCluster()!.server}/metrics`);
  const options: https.RequestOptions = { hostname: url.hostname, port: url.port, path: url.pathname };
  await kc.applyToHTTPSOptions(options);
  const text = await new Promise<string>((resolve, reject) =>
    https
      .get(options, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve(body));
      })
      .on('error', reject),
  );
  const counts = { writes: new Map<string, number>(), gets: new Map<string, number>() };
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const label = (name: string) => new RegExp(`[{,]${name}="([^"]*)"`).exec(line)?.[1] ?? '';
    const resource = label('resource');
    // The deployment controller writes Deployments' status; the operator never does.
    if (!OPERATOR_RESOURCES.has(resource) || (resource === 'deployments' && label('subresource'))) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    const verb = label('verb');
    const what = `${verb} ${resource}${label('subresource') ? `/${label('subresource')}` : ''}`;
    const into = WRITE_VERBS.has(verb) ? counts.writes : verb === 'GET' ? counts.gets : undefined;
    into?.set(what, (into.get(what) ?? 0) + value);
  }
  return counts;
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

const DIST = path.join(REPO, `.tmp/bench-operator-dist-${process.pid}`);
fs.rmSync(DIST, { recursive: true, force: true });
const tsc = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', DIST], {
  cwd: REPO,
  encoding: 'utf8',
});
const MAIN_JS = path.join(DIST, 'operator/src/main.js');
if (!fs.existsSync(MAIN_JS)) throw new Error(`tsc emitted no ${MAIN_JS}:\n${tsc.stdout}${tsc.stderr}`);

const plane = await sharedControlPlane();
const kc = new KubeConfig();
kc.loadFromFile(plane.kubeconfig);
const custom = kc.makeApiClient(CustomObjectsApi);
const crdFile = path.join(REPO, 'crds/modelrollout.io_modeldeployments.yaml');
const crd = loadYaml<V1CustomResourceDefinition>(fs.readFileSync(crdFile, 'utf8'));
const ext = kc.makeApiClient(ApiextensionsV1Api);
await ext.createCustomResourceDefinition({ body: crd }).catch((err) => {
  if ((err as { code?: number }).code !== 409) throw err;
});
const namespace = `bench-operator-${process.pid}`;
await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace } } });
await waitFor('the ModelDeployment API to serve', () =>
  custom.listNamespacedCustomObject({ group, version, namespace, plural }).then(() => true),
);

const created = Date.now();
const names = Array.from({ length: COUNT }, (_, i) => `model-${String(i).padStart(4, '0')}`);
await inBatches(names, 20, (name) =>
  custom.createNamespacedCustomObject({
    group,
    version,
    namespace,
    plural,
    body: {
      apiVersion: `${group}/${version}`,
      kind: 'ModelDeployment',
      metadata: { name },
      spec: {
        model: { version: '1.0.0', image: 'model-server:1', artifact: { uri: `http://models/${name}.json` } },
        strategy: { canary: { steps: [50] } },
        analysis: { prometheus: { address: 'http://127.0.0.1:9' } },
      },
    },
  }),
);
console.log(`created ${COUNT} ModelDeployments in ${((Date.now() - created) / 1000).toFixed(1)} s`);

// Same-run reference: one GET of a ModelDeployment.
const gets: number[] = [];
for (let i = 0; i < 200; i++) {
  const t0 = performance.now();
  await custom.getNamespacedCustomObject({ group, version, namespace, plural, name: names[i % COUNT] });
  gets.push(performance.now() - t0);
}

const passes: { at: number; ms: number }[] = [];
let errors = 0;
const errorSamples = new Map<string, number>();
const child = spawn(
  process.execPath,
  [
    MAIN_JS,
    ...['--kubeconfig', plane.kubeconfig, '--namespace', namespace, '--log-level', 'debug'],
    ...[
      '--metrics-port',
      '0',
      '--health-port',
      '0',
      '--resync-seconds',
      String(Math.max(5, Math.round(SETTLE_MS / 4000))),
    ],
  ],
  { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] },
);
process.on('exit', () => child.kill('SIGKILL')); // also when the run is interrupted
let childExited = false;
child.once('exit', (code) => {
  childExited = true;
  if (code !== 0 && code !== null) console.error(`the operator exited with code ${code}`);
});
const started = Date.now();
readline.createInterface({ input: child.stdout! }).on('line', (line) => {
  if (line.includes('"Reconciled"'))
    passes.push({ at: Date.now(), ms: (JSON.parse(line) as { durationMs: number }).durationMs });
  else if (line.includes('Reconcile failed')) {
    errors++;
    const message = String((JSON.parse(line) as { err?: { message?: string } }).err?.message).slice(0, 160);
    errorSamples.set(message, (errorSamples.get(message) ?? 0) + 1);
  }
});
let peak = 0;
const sampler = setInterval(() => {
  if (!childExited) peak = Math.max(peak, rssMb(child.pid!).rss);
}, 500);
const topErrors = () => [...errorSamples].sort((a, b) => b[1] - a[1]).slice(0, 5);
const progress = setInterval(() => {
  const [top] = topErrors();
  console.log(
    `  … ${((Date.now() - started) / 1000).toFixed(0)} s: ${passes.length} passes, ${errors} errors` +
      (top ? ` (most: ${top[1]}× ${top[0]})` : ''),
  );
}, 30_000);

try {
  const settled = await waitFor(
    'every ModelDeployment to have a status',
    async () => {
      if (childExited) throw new Error('the operator exited');
      const list = (await custom.listNamespacedCustomObject({ group, version, namespace, plural })) as {
        items: { status?: { phase?: string } }[];
      };
      const done = list.items.filter((i) => i.status?.phase).length;
      return done === COUNT ? Date.now() : undefined;
    },
    { timeoutMs: 600_000, intervalMs: 1000 },
  );
  const cold = passes.filter((p) => p.at <= settled).map((p) => p.ms);
  // The deployment controller is still creating ReplicaSets and pods, and the operator is finishing
  // its first passes: the steady window starts once nothing wrote to the operator's kinds for 5 s
  // (or after 3 min: an operator that writes on every pass is never quiet, and the figures show it).
  let lastWrites = -1;
  const quiet = await waitFor(
    "no writes to the operator's kinds for 5 s",
    async () => {
      const writes = [...(await apiRequests(kc)).writes.values()].reduce((a, b) => a + b, 0);
      const still = writes === lastWrites;
      lastWrites = writes;
      return still ? Date.now() : undefined;
    },
    { timeoutMs: 180_000, intervalMs: 5000 },
  ).catch(() => undefined);
  console.log(
    quiet
      ? `quiet ${((quiet - settled) / 1000).toFixed(0)} s after the cold start`
      : 'never quiet within 3 min after the cold start',
  );
  const steadyFrom = Date.now();
  const requestsBefore = await apiRequests(kc);
  const passesBefore = passes.length;
  const cpuBefore = processCpuSeconds(child.pid!);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS)); // steady-state window
  const requestsAfter = await apiRequests(kc);
  const windowPasses = passes.length - passesBefore;
  const cpuPerPass = ((processCpuSeconds(child.pid!) - cpuBefore) * 1000) / windowPasses; // ms
  const steady = passes.filter((p) => p.at > steadyFrom).map((p) => p.ms);
  const mem = rssMb(child.pid!);
  const refP99 = percentile(gets, 99);
  console.log(`reference: GET ModelDeployment p50 ${fmt(percentile(gets, 50))}, p99 ${fmt(refP99)}`);
  console.log(
    `cold start: ${COUNT} ModelDeployments with status after ${((settled - started) / 1000).toFixed(1)} s; ` +
      `${cold.length} passes, p50 ${fmt(percentile(cold, 50))}, p99 ${fmt(percentile(cold, 99))} ` +
      `(${(percentile(cold, 99) / refP99).toFixed(1)}× GET p99)`,
  );
  console.log(
    `steady state (${SETTLE_MS / 1000} s): ${steady.length} passes, p50 ${fmt(percentile(steady, 50))}, ` +
      `p99 ${fmt(percentile(steady, 99))} (${(percentile(steady, 99) / refP99).toFixed(1)}× GET p99) — target < 200 ms`,
  );
  const perPass = (n: number) => (windowPasses > 0 ? (n / windowPasses).toFixed(2) : 'n/a');
  const events = await kc.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace });
  const operatorEvents = events.items.filter(
    (e) =>
      e.source?.component === 'modelrollout-operator' &&
      new Date(e.lastTimestamp ?? e.eventTime ?? 0).getTime() >= steadyFrom - 1000, // second precision
  ).length;
  const since = (after: Map<string, number>, before: Map<string, number>) =>
    [...after].map(([what, n]) => [what, n - (before.get(what) ?? 0)] as const).filter(([, n]) => n > 0);
  const writes = since(requestsAfter.writes, requestsBefore.writes).concat(
    operatorEvents > 0 ? [['POST events (recorded by the operator)', operatorEvents]] : [],
  );
  const writeCount = writes.reduce((sum, [, n]) => sum + n, 0);
  const getsByKind = since(requestsAfter.gets, requestsBefore.gets);
  const steadyGets = getsByKind.reduce((sum, [, n]) => sum + n, 0);
  console.log(
    `API requests of the operator in steady state (${windowPasses} passes): ` +
      `${writeCount} writes (${perPass(writeCount)} per pass), ${steadyGets} GETs (${perPass(steadyGets)} per pass)`,
  );
  for (const [what, n] of [...writes, ...getsByKind]) console.log(`  ${n}× ${what}`);
  console.log(`operator CPU in steady state: ${cpuPerPass.toFixed(2)} ms per pass`);
  console.log(`reconcile errors (retried): ${errors}`);
  for (const [message, n] of topErrors()) console.log(`  ${n}× ${message}`);
  console.log(
    `operator RSS: ${mem.rss.toFixed(0)} MB now, ${Math.max(peak, mem.peak).toFixed(0)} MB peak — target < 250 MB`,
  );
} finally {
  clearInterval(sampler);
  clearInterval(progress);
  if (!childExited) {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  await kc
    .makeApiClient(CoreV1Api)
    .deleteNamespace({ name: namespace })
    .catch(() => undefined);
  // With the operator stopped nobody removes the finalizers, and the namespace would stay
  // Terminating (its objects loading the API server of later runs).
  await inBatches(names, 20, (name) =>
    custom
      .patchNamespacedCustomObject(
        { group, version, namespace, plural, name, body: { metadata: { finalizers: null } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      )
      .catch(() => undefined),
  );
  // Garbage collection of thousands of children reads and writes for a while: a next run started
  // meanwhile would count those requests, and share the API server with them.
  await waitFor(
    `namespace ${namespace} to be deleted`,
    () =>
      kc
        .makeApiClient(CoreV1Api)
        .readNamespace({ name: namespace })
        .then(
          () => undefined,
          (err: unknown) => ((err as { code?: number }).code === 404 ? true : undefined),
        ),
    { timeoutMs: 300_000, intervalMs: 2000 },
  ).catch((err: unknown) => console.error((err as Error).message));
  fs.rmSync(DIST, { recursive: true, force: true });
}
process.exit(0);
