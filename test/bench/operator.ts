/**
 * Operator scale benchmark: `npx tsx test/bench/operator.ts [--count 500] [--settle-seconds 40]`
 *
 * Creates N idle ModelDeployments on the local control plane's API server, then runs the
 * operator as its own process — compiled with tsc first, as the image runs it (tsx alone adds
 * about 100 MB of RSS) — watching that namespace at log level debug so each pass logs its
 * duration, and measures:
 *  - the cold start: time until every ModelDeployment has a status, and the passes it took;
 *  - steady state: passes of the periodic resync / requeues once all are settled;
 *  - operator RSS (current and peak) from /proc.
 * Targets: RSS < 250 MB, reconcile p99 < 200 ms. As a same-run reference, the p99 of a single
 * GET of a ModelDeployment is measured and each p99 is also given as a multiple of it.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  loadYaml,
} from '@kubernetes/client-node';
import type { V1CustomResourceDefinition } from '@kubernetes/client-node';
import { sharedControlPlane, waitFor } from '../cluster/index.js';

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

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

const DIST = path.join(REPO, '.tmp/bench-operator-dist');
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
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS)); // steady-state window
  const steady = passes.filter((p) => p.at > settled).map((p) => p.ms);
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
  fs.rmSync(DIST, { recursive: true, force: true });
}
process.exit(0);
