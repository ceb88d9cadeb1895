/** The pod runner as a kubelet: restarts, environment, volumes, Prometheus discovery. */
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { promQuery, waitFor } from '../cluster/index.js';
import {
  ENTRYPOINT_IMAGE,
  get,
  processExists,
  startHarness,
  tinyDeployment,
  waitForDeployment,
  type Harness,
} from './harness.js';

let h: Harness;
test.before(async () => {
  h = await startHarness('pod');
});
test.after.always(async () => {
  await h?.close();
});

const onlyPod = async (namespace: string) => {
  const pods = h.runner.pods().filter((p) => p.namespace === namespace);
  return pods.length === 1 && pods[0].pid !== undefined && pods[0].ready ? pods[0] : undefined;
};

test('a process that exits is restarted and its restartCount goes up', async (t) => {
  const namespace = await h.namespace();
  await h.apps.createNamespacedDeployment({ namespace, body: tinyDeployment('crash', 1) });
  const first = await waitFor('the pod to be ready', () => onlyPod(namespace));
  t.is((await get(`${first.ip}:8080`, '/exit')).status, 200);

  const pod = await waitFor('restartCount 1 and ready again', async () => {
    const p = await h.core.readNamespacedPod({ namespace, name: first.name });
    const status = p.status?.containerStatuses?.[0];
    return status?.restartCount === 1 && status.ready ? p : undefined;
  });
  const status = pod.status!.containerStatuses![0];
  t.is(status.lastState?.terminated?.exitCode, 3);
  t.is(status.lastState?.terminated?.reason, 'Error');
  t.truthy(status.state?.running);
  const again = h.runner.pods().find((p) => p.name === first.name)!;
  t.not(again.pid, first.pid);
  t.false(processExists(first.pid!));
  t.is(again.restartCount, 1);
  t.is(again.ip, first.ip, 'a restarted container keeps the pod address');
  const log = fs.readFileSync(again.logFile, 'utf8');
  t.regex(log, /exited: 3/);
  t.is(log.match(/starting: /g)?.length, 2);
});

test('env from value, secretKeyRef, configMapKeyRef and fieldRef; mount paths rewritten to real directories', async (t) => {
  process.env.PODRUNNER_TEST_MARKER = 'must not reach pods';
  const namespace = await h.namespace();
  await h.core.createNamespacedSecret({
    namespace,
    body: { metadata: { name: 'db' }, data: { password: Buffer.from('s3cr3t').toString('base64') } },
  });
  await h.core.createNamespacedConfigMap({
    namespace,
    body: { metadata: { name: 'cfg' }, data: { level: 'debug' } },
  });
  const deployment = tinyDeployment('envy', 1, {
    env: [
      { name: 'PLAIN', value: 'hello' },
      { name: 'EXPANDED', value: '$(PLAIN)-world' },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
      { name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'level' } } },
      { name: 'MY_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'MY_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'MY_APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      { name: 'JOURNAL_DIR', value: '/var/journal/predictions' },
    ],
    volumeMounts: [
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'journal', mountPath: '/var/journal' },
    ],
  });
  deployment.spec!.template.spec!.volumes = [
    { name: 'tmp', emptyDir: {} },
    { name: 'journal', emptyDir: {} },
  ];
  await h.apps.createNamespacedDeployment({ namespace, body: deployment });
  const pod = await waitFor('the pod to be ready', () => onlyPod(namespace));
  const env = (JSON.parse((await get(`${pod.ip}:8080`)).body) as { env: Record<string, string> }).env;

  t.is(env.PLAIN, 'hello');
  t.is(env.EXPANDED, 'hello-world');
  t.is(env.DB_PASSWORD, 's3cr3t');
  t.is(env.LOG_LEVEL, 'debug');
  t.is(env.MY_NAME, pod.name);
  t.is(env.POD_NAME, pod.name);
  t.is(env.MY_IP, pod.ip);
  t.is(env.MY_APP, 'envy');
  t.is(env.HOST, pod.ip);
  t.is(env.PORT, '8080');
  t.false('PODRUNNER_TEST_MARKER' in env, 'the runner does not leak its own environment');
  for (const dir of [env.TMPDIR, path.dirname(env.JOURNAL_DIR)]) {
    t.true(dir.startsWith(path.join(h.plane.dir, 'pods')), `${dir} is a per-pod directory`);
    t.true(fs.statSync(dir).isDirectory());
  }
  t.is(path.basename(env.JOURNAL_DIR), 'predictions');
  t.not(env.TMPDIR, path.dirname(env.JOURNAL_DIR));
});

test('a pod with a missing Secret waits with CreateContainerConfigError and starts once it exists', async (t) => {
  const namespace = await h.namespace();
  const deployment = tinyDeployment('late', 1, {
    env: [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'late', key: 'token' } } }],
  });
  await h.apps.createNamespacedDeployment({ namespace, body: deployment });
  const waiting = await waitFor('CreateContainerConfigError', async () => {
    const pods = (await h.core.listNamespacedPod({ namespace })).items;
    const state = pods[0]?.status?.containerStatuses?.[0]?.state?.waiting;
    return state?.reason === 'CreateContainerConfigError' ? state : undefined;
  });
  t.regex(waiting.message ?? '', /env TOKEN: Secret 'late' not found/);
  await h.core.createNamespacedSecret({
    namespace,
    body: { metadata: { name: 'late' }, stringData: { token: 't0k' } },
  });
  const pod = await waitFor('the pod to be ready', () => onlyPod(namespace));
  const env = (JSON.parse((await get(`${pod.ip}:8080`)).body) as { env: Record<string, string> }).env;
  t.is(env.TOKEN, 't0k');
  t.is(pod.restartCount, 0, 'a container that never started was not restarted');
});

test('Prometheus scrapes a pod that asks for it, with namespace, pod and modeldeployment labels', async (t) => {
  const namespace = await h.namespace();
  const deployment = tinyDeployment('scraped', 1);
  deployment.spec!.template.metadata = {
    labels: {
      app: 'scraped',
      'app.kubernetes.io/name': 'house-price',
      'modelrollout.io/variant': 'candidate',
    },
    annotations: {
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '8080',
      'prometheus.io/path': '/metrics',
    },
  };
  deployment.spec!.selector = { matchLabels: { app: 'scraped' } };
  await h.apps.createNamespacedDeployment({ namespace, body: deployment });
  await waitForDeployment(h, namespace, 'scraped', 'ready', (d) => d.status?.readyReplicas === 1);
  const pod = h.runner.pods().find((p) => p.namespace === namespace)!;

  const series = await waitFor(
    'Prometheus to scrape the pod',
    async () => {
      const result = await promQuery(h.plane.prometheusUrl, `tiny_up{namespace="${namespace}"}`);
      return result.length ? result : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  );
  t.is(series.length, 1);
  const labels = series[0].metric;
  t.is(labels.namespace, namespace);
  t.is(labels.pod, pod.name);
  t.is(labels.modeldeployment, 'house-price');
  t.is(labels.app_kubernetes_io_name, 'house-price');
  t.is(labels.variant, 'candidate');
  t.is(labels.instance, `${pod.ip}:8080`);
  t.is(Number(series[0].value[1]), 1);
});

test('a container with args only runs its image entrypoint; mount paths in args are rewritten', async (t) => {
  const namespace = await h.namespace();
  const deployment = tinyDeployment('entry', 1, {
    image: `${ENTRYPOINT_IMAGE}:1.0`,
    command: undefined,
    args: ['serve', '--journal=/data/journal', '/data'],
    volumeMounts: [{ name: 'data', mountPath: '/data' }],
  });
  deployment.spec!.template.spec!.volumes = [{ name: 'data', emptyDir: {} }];
  await h.apps.createNamespacedDeployment({ namespace, body: deployment });
  const pod = await waitFor('the pod to be ready', () => onlyPod(namespace));
  const { argv } = JSON.parse((await get(`${pod.ip}:8080`)).body) as { argv: string[] };
  const [serve, journal, data] = argv.slice(-3);
  t.is(serve, 'serve');
  const dataDir = data;
  t.true(dataDir.startsWith(path.join(h.plane.dir, 'pods')), dataDir);
  t.is(journal, `--journal=${path.join(dataDir, 'journal')}`);
});

test('a failing liveness probe restarts the container', async (t) => {
  const namespace = await h.namespace();
  const deployment = tinyDeployment('live', 1, {
    livenessProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 1, failureThreshold: 1 },
  });
  await h.apps.createNamespacedDeployment({ namespace, body: deployment });
  const first = await waitFor('the pod to be ready', () => onlyPod(namespace));
  await get(`${first.ip}:8080`, '/unready'); // readiness and liveness both fail from now on
  const again = await waitFor('a restarted, ready container', async () => {
    const p = await onlyPod(namespace);
    return p && p.restartCount === 1 && p.pid !== first.pid ? p : undefined;
  });
  t.false(processExists(first.pid!));
  const pod = await h.core.readNamespacedPod({ namespace, name: again.name });
  t.is(pod.status?.containerStatuses?.[0].restartCount, 1);
  t.is(
    pod.status?.containerStatuses?.[0].lastState?.terminated?.exitCode,
    0,
    'stopped by SIGTERM, exited cleanly',
  );
});
