import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { CoordinationV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import test from 'ava';
import pino from 'pino';
import { sharedControlPlane, waitFor } from '../../../test/cluster/index.js';
import { parseOperatorArgs } from '../../src/controller/cli-options.js';
import { runOperator } from '../../src/main.js';
import { freshNamespace, installCrds, kubeConfig } from './kube.js';

const repo = path.resolve(import.meta.dirname, '../../..');
let kc: KubeConfig;
let kubeconfigPath: string;

test.before(async () => {
  kc = await kubeConfig();
  kubeconfigPath = (await sharedControlPlane()).kubeconfig;
  await installCrds(kc, [path.join(repo, 'crds/modelrollout.io_modeldeployments.yaml')]);
});

test('command-line flags are parsed with defaults and refused with the flag named', (t) => {
  const config = parseOperatorArgs(['--namespace', 'ml', '--leader-elect', '--metrics-port', '9090'], {});
  t.like(config, {
    namespace: 'ml',
    leaderElect: true,
    metricsPort: 9090,
    healthPort: 8081,
    leaseNamespace: 'ml',
  });
  t.is(parseOperatorArgs([], {})?.namespace, undefined, 'all namespaces by default');
  t.is(parseOperatorArgs(['--help'], {}), null);
  t.throws(() => parseOperatorArgs(['--health-port', '70000'], {}), {
    message: /--health-port: must be an integer/,
  });
  t.throws(() => parseOperatorArgs(['--log-level', 'loud'], {}), { message: /--log-level: must be one of/ });
  t.throws(() => parseOperatorArgs(['--bogus'], {}), { message: /bogus/ });
});

test('the wired operator becomes ready, serves metrics and reconciles ModelDeployments', async (t) => {
  const namespace = await freshNamespace(kc, 'main');
  const config = parseOperatorArgs(
    ['--kubeconfig', kubeconfigPath, '--namespace', namespace, '--metrics-port', '0', '--health-port', '0'],
    {},
  )!;
  const operator = await runOperator(config, { logger: pino({ level: 'silent' }) });
  try {
    // A just-created CRD may answer 429 while its storage initializes: the informer restarts.
    await waitFor('/readyz to answer 200', async () =>
      (await fetch(`http://127.0.0.1:${operator.healthPort}/readyz`)).status === 200 ? true : undefined,
    );
    t.is((await fetch(`http://127.0.0.1:${operator.healthPort}/healthz`)).status, 200);
    await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: 'modelrollout.io',
      version: 'v1alpha1',
      namespace,
      plural: 'modeldeployments',
      body: {
        apiVersion: 'modelrollout.io/v1alpha1',
        kind: 'ModelDeployment',
        metadata: { name: 'house-price' },
        spec: {
          model: { version: '1.0.0', image: 'model-server:1', artifact: { uri: 'http://models/m.json' } },
          strategy: { canary: { steps: [50] } },
          analysis: { prometheus: { address: 'http://prometheus:9090' } },
        },
      },
    });
    const metricsUrl = `http://127.0.0.1:${operator.metricsPort}/metrics`;
    const text = await waitFor('a reconcile recorded in /metrics', async () => {
      const body = await (await fetch(metricsUrl)).text();
      return /modelrollout_reconcile_duration_seconds_count\{outcome="(success|error)"\} [1-9]/.test(body)
        ? body
        : undefined;
    });
    t.regex(text, /^modelrollout_leader 1$/m);
    t.regex(text, /^modelrollout_process_resident_memory_bytes /m);
  } finally {
    await operator.stop();
  }
});

test('the operator process stops gracefully on SIGTERM and releases its lease', async (t) => {
  const namespace = await freshNamespace(kc, 'main');
  const args = [
    '--kubeconfig',
    kubeconfigPath,
    '--namespace',
    namespace,
    '--leader-elect',
    '--lease-name',
    'op',
  ];
  const child = spawn(
    process.execPath,
    [
      '--import=tsx',
      path.join(repo, 'operator/src/main.ts'),
      ...args,
      '--metrics-port',
      '0',
      '--health-port',
      '0',
    ],
    { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const lines: string[] = [];
  readline.createInterface({ input: child.stdout }).on('line', (l) => lines.push(l));
  const coordination = kc.makeApiClient(CoordinationV1Api);
  try {
    await waitFor('the operator to take the lease', async () => {
      const lease = await coordination.readNamespacedLease({ name: 'op', namespace });
      return lease.spec?.holderIdentity ? true : undefined;
    });
    await waitFor('the started log line', () =>
      lines.some((l) => l.includes('Operator started')) ? true : undefined,
    );
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  child.kill('SIGTERM');
  t.is(await exited, 0);
  const lease = await coordination.readNamespacedLease({ name: 'op', namespace });
  t.is(lease.spec?.holderIdentity, '', 'the lease was released for a successor');
  t.true(lines.some((l) => l.includes('Controller stopped')));
  const started = JSON.parse(lines.find((l) => l.includes('Operator started'))!) as { namespace: string };
  t.is(started.namespace, namespace);
});
