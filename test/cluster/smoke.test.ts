import { execFileSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  Watch,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import test from 'ava';
import pg from 'pg';
import { ensureKubeBinaries, promQuery, sharedControlPlane, waitFor } from './index.js';

const unique = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}`;

async function kube() {
  const plane = await sharedControlPlane();
  const kc = new KubeConfig();
  kc.loadFromFile(plane.kubeconfig);
  return { plane, kc, core: kc.makeApiClient(CoreV1Api) };
}

test('client-node creates, reads and watches a Namespace and a ConfigMap', async (t) => {
  const { kc, core } = await kube();
  const namespace = unique('smoke');
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  const ns = await core.readNamespace({ name: namespace });
  t.is(ns.status?.phase, 'Active');

  const seen: string[] = [];
  const watching = new Watch(kc).watch(
    `/api/v1/namespaces/${namespace}/configmaps`,
    {},
    (type, obj: V1ConfigMap) => seen.push(`${type}:${obj.metadata?.name}:${obj.data?.answer}`),
    () => undefined,
  );
  const abort = await watching;
  try {
    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'cm' }, data: { answer: '42' } },
    });
    const cm = await core.readNamespacedConfigMap({ namespace, name: 'cm' });
    t.is(cm.data?.answer, '42');
    await core.replaceNamespacedConfigMap({ namespace, name: 'cm', body: { ...cm, data: { answer: '43' } } });
    await waitFor('watch events', () => (seen.includes('MODIFIED:cm:43') ? true : undefined), {
      timeoutMs: 10_000,
    });
    t.deepEqual(seen.slice(0, 2), ['ADDED:cm:42', 'MODIFIED:cm:43']);
  } finally {
    abort.abort();
    await core.deleteNamespace({ name: namespace });
  }
});

test('kubectl works against the local API server, which reports the pinned version', async (t) => {
  const { plane } = await kube();
  const out = execFileSync('kubectl', ['--kubeconfig', plane.kubeconfig, 'get', 'ns', '-o', 'name'], {
    encoding: 'utf8',
  });
  t.true(out.includes('namespace/default'));
  const version = JSON.parse(
    execFileSync('kubectl', ['--kubeconfig', plane.kubeconfig, 'get', '--raw', '/version'], {
      encoding: 'utf8',
    }),
  ) as { gitVersion: string; major: string; minor: string };
  t.is(version.gitVersion, 'v1.37.2');
  t.is(`${version.major}.${version.minor}`, '1.37');
});

test('a CustomResourceDefinition becomes Established and a custom object round-trips', async (t) => {
  const { kc } = await kube();
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  const group = `${unique('smoke')}.example.com`;
  const name = `widgets.${group}`;
  await ext.createCustomResourceDefinition({
    body: {
      metadata: { name },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: { type: 'object', properties: { size: { type: 'integer', minimum: 1 } } },
                },
              },
            },
          },
        ],
      },
    },
  });
  try {
    await waitFor('CRD Established', async () => {
      const crd = await ext.readCustomResourceDefinition({ name });
      return (
        crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') || undefined
      );
    });
    const objects = kc.makeApiClient(CustomObjectsApi);
    const target = { group, version: 'v1', namespace: 'default', plural: 'widgets' };
    await objects.createNamespacedCustomObject({
      ...target,
      body: { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 3 } },
    });
    const read = (await objects.getNamespacedCustomObject({ ...target, name: 'w1' })) as {
      spec: { size: number };
    };
    t.is(read.spec.size, 3);
    const refused = await t.throwsAsync(
      objects.createNamespacedCustomObject({
        ...target,
        body: { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w2' }, spec: { size: 0 } },
      }),
    );
    t.regex(String((refused as { body?: string }).body), /spec\.size/);
  } finally {
    await ext.deleteCustomResourceDefinition({ name });
  }
});

test('kube-controller-manager runs Deployments through ReplicaSets and Pods', async (t) => {
  const { plane } = await kube();
  const namespace = unique('smoke-kcm');
  const kubectl = (...args: string[]) =>
    execFileSync('kubectl', ['--kubeconfig', plane.kubeconfig, '-n', namespace, ...args], {
      encoding: 'utf8',
    });
  execFileSync('kubectl', ['--kubeconfig', plane.kubeconfig, 'create', 'namespace', namespace]);
  kubectl('create', 'deployment', 'web', '--image=example.invalid/web:1', '--replicas=2');
  const pods = await waitFor('two pods', () => {
    const names = kubectl('get', 'pods', '-o', 'name').trim().split('\n').filter(Boolean);
    return names.length === 2 ? names : undefined;
  });
  t.is(pods.length, 2);
  execFileSync('kubectl', [
    '--kubeconfig',
    plane.kubeconfig,
    'delete',
    'namespace',
    namespace,
    '--wait=true',
    '--timeout=60s',
  ]);
  const gone = execFileSync(
    'kubectl',
    ['--kubeconfig', plane.kubeconfig, 'get', 'ns', namespace, '--ignore-not-found'],
    {
      encoding: 'utf8',
    },
  );
  t.is(gone.trim(), '', 'the namespace really terminates');
});

test('helm reports the pinned version', (t) => {
  const { helm } = ensureKubeBinaries();
  const out = execFileSync(helm, ['version', '--short'], { encoding: 'utf8' });
  t.regex(out, /^v3\.21\.4/);
});

test('PostgreSQL answers a query through pg', async (t) => {
  const plane = await sharedControlPlane();
  const client = new pg.Client({ connectionString: plane.postgresUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ sum: number }>('select 40 + 2 as sum');
    t.is(rows[0].sum, 42);
  } finally {
    await client.end();
  }
});

test('Prometheus scrapes an endpoint given through file_sd and answers through its HTTP API', async (t) => {
  const plane = await sharedControlPlane();
  const job = unique('smoke');
  const value = Math.round(Math.random() * 1000);
  const server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(`# TYPE smoke_value gauge\nsmoke_value ${value}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await plane.prometheus.setTargets(job, [{ address, labels: { smoke: 'yes' } }]);
    const result = await waitFor(
      'Prometheus to scrape the endpoint',
      async () => {
        const r = await promQuery(plane.prometheusUrl, `smoke_value{job="${job}"}`);
        return r.length ? r : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    t.is(Number(result[0].value[1]), value);
    t.is(result[0].metric.smoke, 'yes');
  } finally {
    await plane.prometheus.setTargets(job, []);
    server.close();
  }
});
