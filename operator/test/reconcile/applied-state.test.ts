/** Whether a live object holds what the operator would apply (pure). */
import type { KubernetesObject, V1ConfigMap, V1Deployment } from '@kubernetes/client-node';
import test from 'ava';
import { resolveSpec } from '../../src/api/defaults.js';
import type { ModelDeployment } from '../../src/api/types.js';
import {
  APPLIED_HASH_ANNOTATION,
  appliedHash,
  appliedState,
  canonicalJson,
  firstDifference,
  quantityValue,
  withAppliedHash,
} from '../../src/reconcile/applied-state.js';
import { scopeOf } from '../../src/reconcile/children/common.js';
import { modelDeployment } from '../../src/reconcile/children/model-workload.js';

const md: ModelDeployment = {
  apiVersion: 'modelrollout.io/v1alpha1',
  kind: 'ModelDeployment',
  metadata: { name: 'house-price', namespace: 'ml', uid: 'uid-1' },
  spec: {
    model: {
      version: '0.4.0',
      image: 'ms:0.4.0',
      artifact: { uri: '/models/x.json' },
      resources: { requests: { cpu: '0.5', memory: '0.25Gi' } },
    },
    strategy: { canary: { steps: [10] } },
    analysis: { prometheus: { address: 'http://prom:9090' } },
  },
};
const spec = resolveSpec(md.spec);
const manifest = () =>
  withAppliedHash(modelDeployment(scopeOf(md), 'master', spec.model, spec.predictionStore));

/** What the API server returns for `applied`: defaults added, empty fields and zeros dropped, quantities canonical. */
function asStored(applied: V1Deployment): V1Deployment {
  const live = structuredClone(applied);
  live.metadata!.resourceVersion = '42';
  live.metadata!.annotations = { ...live.metadata!.annotations, 'deployment.kubernetes.io/revision': '1' };
  live.spec!.progressDeadlineSeconds = 600;
  const container = live.spec!.template.spec!.containers[0];
  container.imagePullPolicy = 'IfNotPresent';
  container.terminationMessagePath = '/dev/termination-log';
  delete container.readinessProbe!.initialDelaySeconds; // 0 is left out
  container.resources = { requests: { cpu: '500m', memory: '256Mi' } };
  live.status = { replicas: 1, observedGeneration: 1 };
  return live;
}

test('the hash ignores key order and its own annotation', (t) => {
  const a: V1ConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', labels: { a: '1', b: '2' } },
  };
  const b: V1ConfigMap = {
    kind: 'ConfigMap',
    metadata: { labels: { b: '2', a: '1' }, name: 'x' },
    apiVersion: 'v1',
  };
  t.is(appliedHash(a), appliedHash(b));
  t.is(canonicalJson({ b: 1, a: undefined, c: [{ z: 1, y: 2 }] }), '{"b":1,"c":[{"y":2,"z":1}]}');
  const hashed = withAppliedHash(a);
  t.is(hashed.metadata?.annotations?.[APPLIED_HASH_ANNOTATION], appliedHash(a));
  t.deepEqual(withAppliedHash(hashed), hashed, 'idempotent');
  t.not(appliedHash({ ...a, data: { k: 'v' } } as V1ConfigMap), appliedHash(a));
});

test('a stored object with server defaults, dropped zeros and canonical quantities holds its manifest', (t) => {
  const applied = manifest();
  t.deepEqual(appliedState(asStored(applied), applied), { holds: true });
});

test('a missing object, or one applied from another manifest, needs an apply', (t) => {
  const applied = manifest();
  t.deepEqual(appliedState(null, applied), { holds: false, reason: 'missing' });
  const older = asStored(applied);
  older.metadata!.annotations![APPLIED_HASH_ANNOTATION] = 'something-else';
  t.deepEqual(appliedState(older, applied), { holds: false, reason: 'changed' });
  const unhashed = asStored(applied);
  delete unhashed.metadata!.annotations![APPLIED_HASH_ANNOTATION];
  t.deepEqual(appliedState(unhashed, applied), { holds: false, reason: 'changed' });
});

test('a field someone else changed is drift, named by its path', (t) => {
  const applied = manifest();
  const cases: [string, (d: V1Deployment) => void][] = [
    ['spec.replicas', (d) => (d.spec!.replicas = 5)],
    [
      'metadata.labels.app.kubernetes.io/managed-by',
      (d) => delete d.metadata!.labels!['app.kubernetes.io/managed-by'],
    ],
    [
      'spec.template.spec.containers[0].image',
      (d) => (d.spec!.template.spec!.containers[0].image = 'evil:1'),
    ],
    [
      'spec.template.spec.containers[0].env',
      (d) => d.spec!.template.spec!.containers[0].env!.push({ name: 'X', value: '1' }),
    ],
    [
      'spec.template.spec.containers[0].resources.requests.cpu',
      (d) => (d.spec!.template.spec!.containers[0].resources!.requests!.cpu = '2'),
    ],
    [
      'spec.template.spec.containers[0].readinessProbe.initialDelaySeconds',
      (d) => (d.spec!.template.spec!.containers[0].readinessProbe!.initialDelaySeconds = 30),
    ],
    [
      'spec.template.spec.automountServiceAccountToken',
      (d) => (d.spec!.template.spec!.automountServiceAccountToken = true),
    ],
    ['metadata.ownerReferences', (d) => (d.metadata!.ownerReferences = [])],
  ];
  for (const [field, drift] of cases) {
    const live = asStored(applied);
    drift(live);
    t.deepEqual(appliedState(live, applied), { holds: false, reason: 'drift', field }, field);
  }
});

test('apiVersion and kind, which list items may omit, are not compared', (t) => {
  const applied = withAppliedHash({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'a', namespace: 'n' },
  });
  const listed: KubernetesObject = { metadata: { ...applied.metadata, uid: 'u' } };
  t.true(appliedState(listed, applied).holds);
});

test('lists match item by item; zero values may be left out; quantities compare by value', (t) => {
  t.is(firstDifference([1, 2], [1, 2], 'l'), null);
  t.is(firstDifference([1, 2, 3], [1, 2], 'l'), 'l', 'an extra item is a difference');
  t.is(
    firstDifference([{ a: 1, b: 2 }], [{ a: 1 }], 'l'),
    null,
    'fields the manifest does not set are ignored',
  );
  t.is(firstDifference(undefined, { a: false, b: 0, c: '', d: [], e: {} }, 'o'), null);
  t.is(firstDifference(undefined, { a: true }, 'o'), 'o');
  t.is(firstDifference('500m', '0.5', 'x.resources.limits.cpu'), null);
  t.is(firstDifference('500m', '0.5', 'x.env.value'), 'x.env.value', 'only quantities are normalised');
  t.is(firstDifference('1Gi', '1G', 'x.requests.memory'), 'x.requests.memory');
  t.is(quantityValue('1.5Gi'), 1.5 * 2 ** 30);
  t.is(quantityValue('1e3'), 1000);
  t.is(quantityValue(2), 2);
  t.true(Number.isNaN(quantityValue('lots')));
});
