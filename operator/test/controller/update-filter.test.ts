/** Which updates of a managed Deployment enqueue its owner. */
import type { V1Deployment } from '@kubernetes/client-node';
import test from 'ava';
import { DeploymentUpdateFilter } from '../../src/controller/update-filter.js';

const deployment = (): V1Deployment => ({
  metadata: { name: 'house-price-master', namespace: 'ml', uid: 'u1', generation: 1, labels: { a: '1' } },
  spec: { selector: {}, template: {} },
  status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas: 0 },
});

test('status churn that readiness does not depend on is filtered out', (t) => {
  const filter = new DeploymentUpdateFilter();
  const d = deployment();
  t.true(filter.changed(d), 'first sight');
  d.metadata!.resourceVersion = '2';
  d.status!.conditions = [{ type: 'Progressing', status: 'True' }];
  d.status!.unavailableReplicas = 1;
  t.false(filter.changed(d));
});

test('spec, metadata and readiness changes pass; a deleted Deployment is forgotten', (t) => {
  const filter = new DeploymentUpdateFilter();
  const d = deployment();
  filter.changed(d);
  const changes: ((x: V1Deployment) => void)[] = [
    (x) => (x.metadata!.generation = 2),
    (x) => (x.metadata!.labels = {}),
    (x) => (x.metadata!.annotations = { note: 'x' }),
    (x) => (x.status!.readyReplicas = 1),
    (x) => (x.status!.observedGeneration = 2),
    (x) => (x.status!.availableReplicas = 1),
  ];
  for (const change of changes) {
    change(d);
    t.true(filter.changed(d));
    t.false(filter.changed(d), 'the same state twice');
  }
  filter.forget(d);
  t.true(filter.changed(d), 'seen anew after a delete');
});
