import { CoreV1Api, KubernetesObjectApi, type KubeConfig } from '@kubernetes/client-node';
import test from 'ava';
import { parseRoutesConfigMapData } from '../../../model-server/src/router/routes-config.js';
import { waitFor } from '../../../test/cluster/index.js';
import { createTrafficRouterFactory } from '../../src/traffic/factory.js';
import { RoutesConfigMapRouter } from '../../src/traffic/routes-configmap-router.js';
import type { TrafficState } from '../../src/traffic/types.js';
import { freshNamespace, kubeConfig, ownerIn } from '../controller/kube.js';
import { recordWrites } from '../reconcile/cluster.js';

let kc: KubeConfig;
test.before(async () => {
  kc = await kubeConfig();
});

async function setup() {
  const namespace = await freshNamespace(kc, 'routes');
  const owner = await ownerIn(kc, namespace);
  const router = new RoutesConfigMapRouter(KubernetesObjectApi.makeApiClient(kc));
  const state: TrafficState = {
    namespace,
    name: 'house-price',
    owner,
    master: { service: 'house-price-master', port: 8080, version: '0.3.0' },
    candidate: { service: 'house-price-candidate', port: 8080, version: '0.4.0' },
    canaryWeight: 25,
    mirrorPercent: 0,
  };
  return { namespace, owner, router, state, core: kc.makeApiClient(CoreV1Api) };
}

test('apply writes the routes ConfigMap the router reads, owned by the ModelDeployment', async (t) => {
  const { namespace, owner, router, state, core } = await setup();
  t.is(await router.current(namespace, 'house-price'), null, 'nothing before the first apply');
  await router.apply(state);
  const cm = await core.readNamespacedConfigMap({ name: 'house-price-routes', namespace });
  t.deepEqual(
    cm.metadata?.ownerReferences?.map((o) => o.uid),
    [owner.uid],
  );
  t.is(cm.metadata?.labels?.['app.kubernetes.io/managed-by'], 'modelrollout');
  t.is(cm.metadata?.labels?.['app.kubernetes.io/name'], 'house-price');
  const parsed = parseRoutesConfigMapData(cm.data);
  t.true(parsed.ok);
  if (!parsed.ok) return;
  t.deepEqual(parsed.config.master, {
    url: `http://house-price-master.${namespace}.svc:8080`,
    version: '0.3.0',
  });
  t.deepEqual(parsed.config.candidate, {
    url: `http://house-price-candidate.${namespace}.svc:8080`,
    version: '0.4.0',
  });
  t.is(parsed.config.canaryWeight, 25);
  t.deepEqual(await router.current(namespace, 'house-price'), { canaryWeight: 25, mirrorPercent: 0 });
});

test('apply is idempotent and follows shadow, canary and rollback states', async (t) => {
  const { namespace, router, state, core } = await setup();
  await router.apply({ ...state, canaryWeight: 0, mirrorPercent: 100 });
  const first = await core.readNamespacedConfigMap({ name: 'house-price-routes', namespace });
  const recording = recordWrites(namespace);
  await router.apply({ ...state, canaryWeight: 0, mirrorPercent: 100 });
  recording.stop();
  t.deepEqual(recording.writes, [], 'an unchanged apply sends no request but a read');
  const again = await core.readNamespacedConfigMap({ name: 'house-price-routes', namespace });
  t.is(again.metadata?.resourceVersion, first.metadata?.resourceVersion, 'an unchanged apply writes nothing');
  t.deepEqual(await router.current(namespace, 'house-price'), { canaryWeight: 0, mirrorPercent: 100 });
  await router.apply({ ...state, candidate: null, canaryWeight: 50, mirrorPercent: 50 });
  const back = await core.readNamespacedConfigMap({ name: 'house-price-routes', namespace });
  const parsed = parseRoutesConfigMapData(back.data);
  t.true(parsed.ok && parsed.config.candidate === null && parsed.config.canaryWeight === 0);
  t.deepEqual(await router.current(namespace, 'house-price'), { canaryWeight: 0, mirrorPercent: 0 });
});

test('a ConfigMap someone broke is reported, not read as a split', async (t) => {
  const { namespace, router, state, core } = await setup();
  await router.apply(state);
  await core.patchNamespacedConfigMap({
    name: 'house-price-routes',
    namespace,
    body: [{ op: 'replace', path: '/data/routes.json', value: '{"master":1}' }],
  });
  await t.throwsAsync(router.current(namespace, 'house-price'), { message: /invalid routes: master/ });
  await router.apply(state);
  t.deepEqual(await router.current(namespace, 'house-price'), { canaryWeight: 25, mirrorPercent: 0 });
});

test('the routes ConfigMap is garbage-collected with its owner', async (t) => {
  const { namespace, router, state, core } = await setup();
  await router.apply(state);
  await core.deleteNamespacedConfigMap({ name: 'owner', namespace, propagationPolicy: 'Background' });
  await waitFor('routes ConfigMap to be garbage-collected', async () =>
    (await router.current(namespace, 'house-price')) === null ? true : undefined,
  );
  t.pass();
});

test('the factory picks routers by provider name and refuses unknown ones', (t) => {
  const factory = createTrafficRouterFactory(KubernetesObjectApi.makeApiClient(kc));
  t.true(factory('router') instanceof RoutesConfigMapRouter);
  t.is(factory('router'), factory('router'));
  t.throws(() => factory('istio'), { message: /spec.traffic.provider: unknown provider "istio"/ });
});
