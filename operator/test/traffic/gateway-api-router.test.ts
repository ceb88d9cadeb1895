import { KubernetesObjectApi, PatchStrategy, type KubeConfig } from '@kubernetes/client-node';
import test from 'ava';
import { createTrafficRouterFactory } from '../../src/traffic/factory.js';
import { GatewayApiRouter, type HttpRoute } from '../../src/traffic/gateway-api-router.js';
import type { TrafficState } from '../../src/traffic/types.js';
import { freshNamespace, gatewayApiCrdFiles, installCrds, kubeConfig, ownerIn } from '../controller/kube.js';
import { recordWrites } from '../reconcile/cluster.js';

let kc: KubeConfig;
let objects: KubernetesObjectApi;

test.before(async () => {
  kc = await kubeConfig();
  await installCrds(kc, gatewayApiCrdFiles());
  objects = KubernetesObjectApi.makeApiClient(kc);
});

async function setup() {
  const namespace = await freshNamespace(kc, 'gwapi');
  const owner = await ownerIn(kc, namespace);
  const state: TrafficState = {
    namespace,
    name: 'house-price',
    owner,
    master: { service: 'house-price-master', port: 8080, version: '0.3.0' },
    candidate: { service: 'house-price-candidate', port: 8080, version: '0.4.0' },
    canaryWeight: 30,
    mirrorPercent: 0,
  };
  const read = () =>
    objects.read<HttpRoute>({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'house-price', namespace },
    });
  return { namespace, owner, state, read, router: new GatewayApiRouter(objects) };
}

test('canary weights become backendRef weights on an owned HTTPRoute', async (t) => {
  const { namespace, owner, state, read, router } = await setup();
  t.is(await router.current(namespace, 'house-price'), null);
  await router.apply(state);
  const route = await read();
  t.deepEqual(
    route.metadata?.ownerReferences?.map((o) => o.uid),
    [owner.uid],
  );
  t.deepEqual(route.spec?.rules?.[0].backendRefs, [
    { group: '', kind: 'Service', name: 'house-price-master', port: 8080, weight: 70 },
    { group: '', kind: 'Service', name: 'house-price-candidate', port: 8080, weight: 30 },
  ]);
  t.is(route.spec?.rules?.[0].filters, undefined);
  t.deepEqual(await router.current(namespace, 'house-price'), { canaryWeight: 30, mirrorPercent: 0 });
});

test('shadow adds a RequestMirror filter with percent; it goes away when shadowing ends', async (t) => {
  const { namespace, state, read, router } = await setup();
  await router.apply({ ...state, canaryWeight: 0, mirrorPercent: 50 });
  const mirrored = await read();
  t.deepEqual(mirrored.spec?.rules?.[0].filters, [
    {
      type: 'RequestMirror',
      requestMirror: {
        backendRef: { group: '', kind: 'Service', name: 'house-price-candidate', port: 8080 },
        percent: 50,
      },
    },
  ]);
  t.deepEqual(await router.current(namespace, 'house-price'), { canaryWeight: 0, mirrorPercent: 50 });
  await router.apply({ ...state, canaryWeight: 10, mirrorPercent: 0 });
  t.is(
    (await read()).spec?.rules?.[0].filters,
    undefined,
    'server-side apply drops the filter no longer applied',
  );
  t.deepEqual(await router.current(namespace, 'house-price'), { canaryWeight: 10, mirrorPercent: 0 });
});

test('an unchanged apply writes nothing; weights someone else changed are restored', async (t) => {
  const { namespace, state, read, router } = await setup();
  await router.apply(state);
  const idle = recordWrites(namespace);
  await router.apply(state);
  idle.stop();
  t.deepEqual(idle.writes, [], 'no request but a read');
  await objects.patch(
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'house-price', namespace },
      spec: { rules: [{ backendRefs: [{ name: 'house-price-master', port: 8080, weight: 100 }] }] },
    } as HttpRoute,
    undefined,
    undefined,
    'someone-else',
    undefined,
    PatchStrategy.MergePatch,
  );
  const repair = recordWrites(namespace);
  await router.apply(state);
  repair.stop();
  t.is(repair.writes.length, 1);
  t.deepEqual(
    (await read()).spec?.rules?.[0].backendRefs?.map((b) => [b.name, b.weight]),
    [
      ['house-price-master', 70],
      ['house-price-candidate', 30],
    ],
  );
});

test('without a candidate all traffic goes to master', async (t) => {
  const { namespace, state, read, router } = await setup();
  await router.apply(state);
  await router.apply({ ...state, candidate: null, canaryWeight: 0, mirrorPercent: 0 });
  t.deepEqual(
    (await read()).spec?.rules?.[0].backendRefs?.map((b) => [b.name, b.weight]),
    [['house-price-master', 100]],
  );
  t.deepEqual(await router.current(namespace, 'house-price'), { canaryWeight: 0, mirrorPercent: 0 });
});

test('parentRefs attached by someone else survive the operator applying its rules', async (t) => {
  const { namespace, state, read, router } = await setup();
  await router.apply(state);
  const attach: HttpRoute = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'house-price', namespace },
    spec: { parentRefs: [{ name: 'public-gateway' }] },
  };
  await objects.patch(attach, undefined, undefined, 'platform-team', false, PatchStrategy.ServerSideApply);
  await router.apply({ ...state, canaryWeight: 50 });
  const route = await read();
  t.is(route.spec?.parentRefs?.[0].name, 'public-gateway');
  t.deepEqual(
    route.spec?.rules?.[0].backendRefs?.map((b) => b.weight),
    [50, 50],
  );
});

test('configured parentRefs are set by the operator', async (t) => {
  const { state, read } = await setup();
  const router = new GatewayApiRouter(objects, { parentRefs: [{ name: 'gw', namespace: 'infra' }] });
  await router.apply(state);
  t.deepEqual(
    (await read()).spec?.parentRefs?.map((p) => [p.name, p.namespace]),
    [['gw', 'infra']],
  );
});

test('the factory returns the gateway-api router', (t) => {
  t.true(createTrafficRouterFactory(objects)('gateway-api') instanceof GatewayApiRouter);
});

test('spec.traffic.gateway parentRefs and hostnames win over the operator-wide default', async (t) => {
  const { state, read } = await setup();
  const router = new GatewayApiRouter(objects, { parentRefs: [{ name: 'default-gw' }] });
  await router.apply({
    ...state,
    gateway: { parentRefs: [{ name: 'team-gw', sectionName: 'https' }], hostnames: ['price.example.com'] },
  });
  const route = await read();
  t.deepEqual(
    route.spec?.parentRefs?.map((p) => [p.name, p.sectionName]),
    [['team-gw', 'https']],
  );
  t.deepEqual(route.spec?.hostnames, ['price.example.com']);
});
