import { CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import test from 'ava';
import { pino } from 'pino';
import { sharedControlPlane } from '../../../test/cluster/index.js';
import {
  routesConfigMapData,
  routesConfigMapName,
  type RoutesConfig,
} from '../../src/router/routes-config.js';
import { ConfigMapRoutesSource } from '../../src/router/source-configmap.js';
import { eventually, metricValue, routes, startFakeUpstream, testRouter } from './helpers.js';

const unique = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}`;

async function kube() {
  const plane = await sharedControlPlane();
  const kc = new KubeConfig();
  kc.loadFromFile(plane.kubeconfig);
  return { plane, kc, core: kc.makeApiClient(CoreV1Api) };
}

/** Polls `check` every 2 ms and returns the milliseconds until it held (or Infinity). */
async function msUntil(check: () => boolean, timeoutMs = 5_000): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (check()) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 2));
  }
  return Infinity;
}

test('a change of the routes ConfigMap on the API server takes effect within 1 s, without restart', async (t) => {
  const { kc, core } = await kube();
  const namespace = unique('router-cm');
  const name = routesConfigMapName('house-price');
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  const v1 = await startFakeUpstream({ version: '1.0.0', factor: 1 });
  const v2 = await startFakeUpstream({ version: '2.0.0', factor: 2 });
  const first: RoutesConfig = routes({ master: { url: v1.url, version: '1.0.0' } });
  await core.createNamespacedConfigMap({
    namespace,
    body: { metadata: { name }, data: routesConfigMapData(first) },
  });

  // A short server-side watch timeout makes the watch close and resume many times during the test.
  const source = new ConfigMapRoutesSource(
    kc,
    { namespace, name, watchTimeoutSeconds: 1 },
    pino({ level: 'silent' }),
  );
  const router = testRouter(null, { source });
  t.teardown(async () => {
    await router.close();
    await Promise.all([v1.close(), v2.close()]);
    await core.deleteNamespace({ name: namespace });
  });
  const post = () =>
    router.app.inject({
      method: 'POST',
      url: '/v1/predictions',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify([{ x: 10 }]),
    });

  t.true(
    await eventually(
      async () => (await router.app.inject({ method: 'GET', url: '/ready' })).statusCode === 200,
    ),
  );
  t.is((await post()).headers['x-model-version'], '1.0.0');

  // Canary: 100% to the candidate.
  const second: RoutesConfig = { ...first, candidate: { url: v2.url, version: '2.0.0' }, canaryWeight: 100 };
  await core.replaceNamespacedConfigMap({
    namespace,
    name,
    body: { metadata: { name }, data: routesConfigMapData(second) },
  });
  const applyMs = await msUntil(() => router.routes.current?.canaryWeight === 100);
  t.log(`ConfigMap change applied after ${applyMs.toFixed(1)} ms`);
  t.true(applyMs < 1_000, `applied after ${applyMs} ms`);
  const answer = await post();
  t.is(answer.headers['x-model-variant'], 'candidate');
  t.deepEqual(answer.json().predictions, [20]);

  // Outlive a few server-side watch timeouts, then change again: the resumed watch still delivers.
  await new Promise((r) => setTimeout(r, 2_500));
  const third: RoutesConfig = {
    ...second,
    master: { url: v2.url, version: '2.0.0' },
    candidate: null,
    canaryWeight: 0,
  };
  await core.replaceNamespacedConfigMap({
    namespace,
    name,
    body: { metadata: { name }, data: routesConfigMapData(third) },
  });
  const resumedMs = await msUntil(() => router.routes.current?.master.version === '2.0.0');
  t.true(resumedMs < 1_000, `applied after ${resumedMs} ms on a resumed watch`);
  t.is((await post()).headers['x-model-version'], '2.0.0');

  // A bad document and a deletion are counted; the last good config stays in force.
  const registry = router.metrics.registry;
  await core.replaceNamespacedConfigMap({
    namespace,
    name,
    body: { metadata: { name }, data: { 'routes.json': '{"master": {"url": "nope"}}' } },
  });
  t.true(
    await eventually(
      async () => (await metricValue(registry, 'router_config_errors_total', { reason: 'invalid' })) === 1,
    ),
  );
  await core.deleteNamespacedConfigMap({ namespace, name });
  t.true(
    await eventually(
      async () => (await metricValue(registry, 'router_config_errors_total', { reason: 'missing' })) === 1,
    ),
  );
  t.is(router.routes.current?.master.version, '2.0.0');
  t.is((await post()).statusCode, 200);

  // Re-created: applied again.
  await core.createNamespacedConfigMap({
    namespace,
    body: { metadata: { name }, data: routesConfigMapData(first) },
  });
  t.true(await eventually(() => router.routes.current?.master.version === '1.0.0', 1_000));
  t.is(await metricValue(registry, 'router_config_reloads_total', { source: 'configmap' }), 4);
});

test('a router whose ConfigMap is absent at start is not ready, and becomes ready when it appears', async (t) => {
  const { kc, core } = await kube();
  const namespace = unique('router-cm-late');
  const name = routesConfigMapName('late');
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  const master = await startFakeUpstream({ version: '1.0.0', factor: 1 });
  const source = new ConfigMapRoutesSource(kc, { namespace, name }, pino({ level: 'silent' }));
  const router = testRouter(null, { source });
  t.teardown(async () => {
    await router.close();
    await master.close();
    await core.deleteNamespace({ name: namespace });
  });
  const registry = router.metrics.registry;
  t.true(
    await eventually(
      async () => (await metricValue(registry, 'router_config_errors_total', { reason: 'missing' })) === 1,
    ),
  );
  t.is((await router.app.inject({ method: 'GET', url: '/ready' })).statusCode, 503);
  await core.createNamespacedConfigMap({
    namespace,
    body: {
      metadata: { name },
      data: routesConfigMapData(routes({ master: { url: master.url, version: '1.0.0' } })),
    },
  });
  t.true((await msUntil(() => router.routes.current !== null)) < 1_000);
  t.is((await router.app.inject({ method: 'GET', url: '/ready' })).statusCode, 200);
});

test('an unreachable API server is retried with backoff and counted as a source error', async (t) => {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'nowhere', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
    users: [{ name: 'nobody', token: 'x' }],
    contexts: [{ name: 'nowhere', cluster: 'nowhere', user: 'nobody' }],
    currentContext: 'nowhere',
  });
  const source = new ConfigMapRoutesSource(
    kc,
    { namespace: 'ml', name: 'x-routes' },
    pino({ level: 'silent' }),
  );
  const router = testRouter(null, { source });
  t.teardown(() => router.close());
  const registry = router.metrics.registry;
  t.true(
    await eventually(
      async () => (await metricValue(registry, 'router_config_errors_total', { reason: 'source' })) >= 3,
    ),
  );
  // Backoff: not hammering (a tight loop would reach hundreds in this time).
  await new Promise((r) => setTimeout(r, 500));
  t.true((await metricValue(registry, 'router_config_errors_total', { reason: 'source' })) < 15);
  t.is(router.routes.current, null);
});

test('a service account allowed to read only its routes ConfigMap (by resourceName) can watch it', async (t) => {
  const { kc, core } = await kube();
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const namespace = unique('router-rbac');
  const name = routesConfigMapName('house-price');
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  t.teardown(() => core.deleteNamespace({ name: namespace }).then(() => undefined));
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'router' } } });
  await rbac.createNamespacedRole({
    namespace,
    body: {
      metadata: { name: 'router' },
      rules: [
        {
          apiGroups: [''],
          resources: ['configmaps'],
          resourceNames: [name],
          verbs: ['get', 'list', 'watch'],
        },
      ],
    },
  });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: 'router' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'router' },
      subjects: [{ kind: 'ServiceAccount', name: 'router', namespace }],
    },
  });
  const token = await core.createNamespacedServiceAccountToken({
    namespace,
    name: 'router',
    body: { spec: { audiences: [], expirationSeconds: 600 } },
  });
  const cluster = kc.getCurrentCluster()!;
  const routerKc = new KubeConfig();
  routerKc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'router', token: token.status!.token }],
    contexts: [{ name: 'router', cluster: cluster.name, user: 'router', namespace }],
    currentContext: 'router',
  });

  // Without the name selector the same identity may not list ConfigMaps at all.
  const denied = await routerKc
    .makeApiClient(CoreV1Api)
    .listNamespacedConfigMap({ namespace })
    .then(
      () => 0,
      (err: { code?: number }) => err.code ?? -1,
    );
  t.is(denied, 403);

  const master = await startFakeUpstream({ version: '1.0.0', factor: 1 });
  await core.createNamespacedConfigMap({
    namespace,
    body: {
      metadata: { name },
      data: routesConfigMapData(routes({ master: { url: master.url, version: '1.0.0' } })),
    },
  });
  const source = new ConfigMapRoutesSource(routerKc, { namespace, name }, pino({ level: 'silent' }));
  const router = testRouter(null, { source });
  t.teardown(async () => {
    await router.close();
    await master.close();
  });
  t.true(await eventually(() => router.routes.current?.master.version === '1.0.0'));
  await core.replaceNamespacedConfigMap({
    namespace,
    name,
    body: {
      metadata: { name },
      data: routesConfigMapData(routes({ master: { url: master.url, version: '1.0.1' } })),
    },
  });
  t.true((await msUntil(() => router.routes.current?.master.version === '1.0.1')) < 1_000);
  t.is(await metricValue(router.metrics.registry, 'router_config_errors_total', { reason: 'source' }), 0);
});
