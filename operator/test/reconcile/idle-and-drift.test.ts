/**
 * The operator (informers, work queue, reconciler) against the real API server: an idle
 * ModelDeployment costs no write however often it is reconciled, and skipping those writes does
 * not stop the operator from repairing what someone else changed or deleted.
 */
import {
  AppsV1Api,
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  RbacAuthorizationV1Api,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import test from 'ava';
import pino from 'pino';
import { waitFor } from '../../../test/cluster/index.js';
import type { ModelDeploymentSpec } from '../../src/api/types.js';
import { ControllerManager } from '../../src/controller/manager.js';
import type { ObjectCache, Reconciler, ReconcileResult } from '../../src/controller/types.js';
import { APPLIED_HASH_ANNOTATION } from '../../src/reconcile/applied-state.js';
import { createModelDeploymentReconciler } from '../../src/reconcile/index.js';
import { createTrafficRouterFactory } from '../../src/traffic/factory.js';
import {
  customObjects,
  freshNamespace,
  installCrd,
  kubeConfig,
  modelDeploymentObject,
  recordWrites,
  ScriptedAnalyzer,
} from './cluster.js';
import { testSpec } from './harness.js';

const NAME = 'house-price';
const MANAGED = 'app.kubernetes.io/managed-by=modelrollout';
/** Every child of an idle ModelDeployment with the `router` provider. */
const CHILDREN = [
  { apiVersion: 'apps/v1', kind: 'Deployment', name: `${NAME}-master` },
  { apiVersion: 'v1', kind: 'Service', name: `${NAME}-master` },
  { apiVersion: 'v1', kind: 'ServiceAccount', name: `${NAME}-router` },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', name: `${NAME}-router` },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', name: `${NAME}-router` },
  { apiVersion: 'apps/v1', kind: 'Deployment', name: NAME },
  { apiVersion: 'v1', kind: 'Service', name: NAME },
  { apiVersion: 'v1', kind: 'ConfigMap', name: `${NAME}-routes` },
];

let kc: KubeConfig;
test.before(async () => {
  kc = await kubeConfig();
  await installCrd(kc);
});

/** Counts passes and keeps the informer cache the manager hands over. */
class CountingReconciler implements Reconciler {
  passes = 0;
  cache: ObjectCache | undefined;
  constructor(private readonly inner: Reconciler) {}
  async reconcile(key: string): Promise<ReconcileResult> {
    try {
      return await this.inner.reconcile(key);
    } finally {
      this.passes++;
    }
  }
  useCache(cache: ObjectCache): void {
    this.cache = cache;
    this.inner.useCache?.(cache);
  }
}

/** A ModelDeployment with its operator running (resync every 300 ms), settled in Idle. */
async function runningOperator(t: { teardown(fn: () => Promise<void>): void }, prefix: string) {
  const namespace = await freshNamespace(kc, prefix);
  const spec: ModelDeploymentSpec = {
    ...testSpec('v1'),
    // Stored in canonical form ("500m", "256Mi"): must not read as drift.
    model: { ...testSpec('v1').model, resources: { requests: { cpu: '0.5', memory: '0.25Gi' } } },
  };
  await customObjects(kc).create(modelDeploymentObject(namespace, NAME, spec));
  const restored: { child: string; field?: string }[] = [];
  const log = {
    info: (obj: object, msg: string) => {
      if (msg === 'Restored a child changed by someone else') restored.push(obj as (typeof restored)[0]);
    },
    warn: () => undefined,
  };
  const reconciler = new CountingReconciler(
    createModelDeploymentReconciler({
      kubeConfig: kc,
      analyzer: new ScriptedAnalyzer(),
      routers: createTrafficRouterFactory(KubernetesObjectApi.makeApiClient(kc)),
      log,
    }),
  );
  const manager = new ControllerManager({
    kubeConfig: kc,
    reconciler,
    logger: pino({ level: 'silent' }),
    namespace,
    resyncPeriodMs: 300,
  });
  await manager.start();
  t.teardown(() => manager.shutdown());
  const cached = (c: (typeof CHILDREN)[0]) => reconciler.cache!.get({ ...c, namespace });
  await waitFor(
    'the ModelDeployment Idle, and every child applied and in the informer cache',
    async () => {
      const md = await customObjects(kc).get(namespace, NAME);
      // Entering Idle takes two status writes: the second says master serves (no kubelet runs,
      // so the Deployment's readiness, which the status also reports, stays as it is).
      if (md.status?.phase !== 'Idle' || md.status.message !== 'Master serves v1') return undefined;
      return CHILDREN.every((c) => cached(c)?.metadata?.annotations?.[APPLIED_HASH_ANNOTATION]) || undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  /** Waits until `n` more passes have run. */
  const passes = async (n: number) => {
    const until = reconciler.passes + n;
    await waitFor(`${n} more passes`, () => (reconciler.passes >= until ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 50,
    });
  };
  return { namespace, reconciler, restored, passes };
}

/** resourceVersion of the ModelDeployment and of each child (generation for Deployments, whose status the deployment controller writes). */
async function versions(namespace: string): Promise<Record<string, string>> {
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const q = { namespace, labelSelector: MANAGED };
  // One list at a time: concurrent first requests on a fresh keep-alive client can fail with
  // node-fetch's "Premature close" (see inTurn in operator/src/traffic/labels.ts).
  const lists: [string, () => Promise<{ items: KubernetesObject[] }>][] = [
    ['Service', () => core.listNamespacedService(q)],
    ['ConfigMap', () => core.listNamespacedConfigMap(q)],
    ['ServiceAccount', () => core.listNamespacedServiceAccount(q)],
    ['Role', () => rbac.listNamespacedRole(q)],
    ['RoleBinding', () => rbac.listNamespacedRoleBinding(q)],
  ];
  const out: Record<string, string> = {};
  for (const [kind, list] of lists)
    for (const o of (await list()).items) out[`${kind}/${o.metadata!.name}`] = o.metadata!.resourceVersion!;
  for (const d of (await apps.listNamespacedDeployment(q)).items)
    out[`Deployment/${d.metadata!.name}`] = `generation ${d.metadata!.generation}`;
  out.ModelDeployment = (await customObjects(kc).get(namespace, NAME)).metadata.resourceVersion!;
  return out;
}

test('idle passes write nothing: no request but reads, no resourceVersion moves', async (t) => {
  const { namespace, passes } = await runningOperator(t, 'idle');
  const before = await versions(namespace);
  t.is(Object.keys(before).length, CHILDREN.length + 1);
  const recording = recordWrites(namespace);
  try {
    await passes(6); // the periodic resync and the children's watch events
  } finally {
    recording.stop();
  }
  t.deepEqual(recording.writes, []);
  t.deepEqual(await versions(namespace), before);
});

/** A JSON merge patch of a child, as someone other than the operator. */
function patchAsSomeoneElse(obj: KubernetesObject) {
  return KubernetesObjectApi.makeApiClient(kc).patch(
    obj,
    undefined,
    undefined,
    'someone-else',
    undefined,
    PatchStrategy.MergePatch,
  );
}

test('what someone else changes or deletes is restored, though idle passes skip applies', async (t) => {
  const { namespace, restored, passes } = await runningOperator(t, 'drift');
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  await passes(2);
  const idleWrites = recordWrites(namespace);
  await passes(4);
  idleWrites.stop();
  t.deepEqual(idleWrites.writes, [], 'the applies below are not simply done on every pass');

  // A Deployment scaled by hand.
  const scaled = await patchAsSomeoneElse({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `${NAME}-master`, namespace },
    spec: { replicas: 4 },
  } as KubernetesObject);
  t.is((scaled as { spec: { replicas: number } }).spec.replicas, 4);
  await waitFor('master scaled back to 1 replica', async () =>
    (await apps.readNamespacedDeployment({ namespace, name: `${NAME}-master` })).spec?.replicas === 1
      ? true
      : undefined,
  );
  t.true(restored.some((r) => r.child === `Deployment/${NAME}-master` && r.field === 'spec.replicas'));

  // A selector edited, and a label removed (the Service then drops out of the informer's selection).
  await patchAsSomeoneElse({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `${NAME}-master`, namespace },
    spec: { selector: { 'modelrollout.io/variant': 'candidate' } },
  } as KubernetesObject);
  await patchAsSomeoneElse({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: NAME, namespace, labels: { 'app.kubernetes.io/managed-by': null } },
  } as unknown as KubernetesObject);
  await waitFor('the master selector and the router Service label restored', async () => {
    const master = await core.readNamespacedService({ namespace, name: `${NAME}-master` });
    const router = await core.readNamespacedService({ namespace, name: NAME });
    return master.spec?.selector?.['modelrollout.io/variant'] === 'master' &&
      router.metadata?.labels?.['app.kubernetes.io/managed-by'] === 'modelrollout'
      ? true
      : undefined;
  });

  // The routes edited; the router's Role and the master Deployment deleted.
  await patchAsSomeoneElse({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${NAME}-routes`, namespace },
    data: { 'routes.json': '{}' },
  } as KubernetesObject);
  const role = await rbac.readNamespacedRole({ namespace, name: `${NAME}-router` });
  const master = await apps.readNamespacedDeployment({ namespace, name: `${NAME}-master` });
  await rbac.deleteNamespacedRole({ namespace, name: `${NAME}-router` });
  await apps.deleteNamespacedDeployment({ namespace, name: `${NAME}-master` });
  await waitFor('the routes restored; the Role and the master Deployment recreated', async () => {
    const routes = await core.readNamespacedConfigMap({ namespace, name: `${NAME}-routes` });
    const again = await Promise.all([
      rbac.readNamespacedRole({ namespace, name: `${NAME}-router` }).catch(() => null),
      apps.readNamespacedDeployment({ namespace, name: `${NAME}-master` }).catch(() => null),
    ]);
    return routes.data?.['routes.json'] !== '{}' &&
      again[0] &&
      again[0].metadata?.uid !== role.metadata?.uid &&
      again[1] &&
      again[1].metadata?.uid !== master.metadata?.uid
      ? true
      : undefined;
  });
  const routes = JSON.parse(
    (await core.readNamespacedConfigMap({ namespace, name: `${NAME}-routes` })).data!['routes.json'],
  ) as { master: { version: string } };
  t.is(routes.master.version, 'v1');
});

test('a spec change is applied, and a field the spec no longer sets is removed', async (t) => {
  const { namespace } = await runningOperator(t, 'spec-change');
  const apps = kc.makeApiClient(AppsV1Api);
  const router = () => apps.readNamespacedDeployment({ namespace, name: NAME });
  await customObjects(kc).patch(namespace, NAME, {
    spec: { router: { replicas: 3, resources: { limits: { cpu: '1' } } } },
  });
  await waitFor('the router scaled to 3 with a CPU limit', async () => {
    const d = await router();
    return d.spec?.replicas === 3 && d.spec.template.spec?.containers[0].resources?.limits?.cpu === '1'
      ? true
      : undefined;
  });
  await customObjects(kc).patch(namespace, NAME, { spec: { router: { resources: null } } });
  await waitFor('the CPU limit removed from the router', async () => {
    const d = await router();
    return d.spec?.template.spec?.containers[0].resources?.limits === undefined ? true : undefined;
  });
  t.is((await router()).spec?.replicas, 3);
});
