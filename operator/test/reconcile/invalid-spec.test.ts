/**
 * A spec the operator cannot use (only possible for objects stored before the schema refused
 * them, so the API server cannot produce one): reported in status and once as an Event, and
 * nothing else is touched. A minimal in-memory KubeAccess stands in for the API server here.
 */
import test from 'ava';
import type { ModelDeployment } from '../../src/api/types.js';
import type { KubeAccess } from '../../src/reconcile/kube.js';
import { ModelDeploymentReconciler } from '../../src/reconcile/reconciler.js';
import type { RolloutEvent } from '../../src/rollout/types.js';
import { ScriptedAnalyzer } from './cluster.js';

function stored(): ModelDeployment {
  return {
    apiVersion: 'modelrollout.io/v1alpha1',
    kind: 'ModelDeployment',
    metadata: {
      name: 'old',
      namespace: 'ml',
      uid: 'u1',
      generation: 4,
      resourceVersion: '1',
      finalizers: ['modelrollout.io/traffic-restore'],
    },
    spec: {
      model: { version: 'v1', image: 'img', artifact: { uri: '/m.json' } },
      strategy: {},
      analysis: { prometheus: { address: 'http://p:9090' } },
    },
  };
}

test('an unusable spec is reported in status and once as an Event; no child is applied', async (t) => {
  let object = stored();
  const applied: unknown[] = [];
  const events: RolloutEvent[] = [];
  const kube: KubeAccess = {
    getModelDeployment: async () => structuredClone(object),
    setFinalizers: async () => t.fail('finalizer already present'),
    replaceStatus: async (md) => (object = { ...md, metadata: { ...md.metadata, resourceVersion: '2' } }),
    getDeployment: async () => null,
    read: async () => null,
    apply: async (obj) => void applied.push(obj),
    delete: async () => undefined,
    createEvent: async () => undefined,
  };
  const reconciler = new ModelDeploymentReconciler({
    kube,
    analyzer: new ScriptedAnalyzer(),
    routers: () => t.fail('no traffic change') as never,
    events: { record: async (_md, event) => void events.push(event) },
    clock: { now: () => Date.parse('2026-01-01T00:00:00Z') },
  });
  t.deepEqual(await reconciler.reconcile('ml/old'), {});
  await reconciler.reconcile('ml/old');
  t.regex(object.status?.message ?? '', /^Invalid spec: spec\.strategy: at least one of shadow or canary/);
  t.is(object.status?.observedGeneration, 4);
  t.like(
    object.status?.conditions?.find((c) => c.type === 'Progressing'),
    { status: 'False', reason: 'InvalidSpec' },
  );
  t.deepEqual(
    events.map((e) => e.reason),
    ['InvalidSpec'],
  );
  t.deepEqual(applied, []);
});

test('a malformed key is refused', async (t) => {
  const reconciler = new ModelDeploymentReconciler({} as never);
  await t.throwsAsync(reconciler.reconcile('no-slash'), { message: /expected namespace\/name/ });
});
