/** The first request of a kind goes alone; a lookup that failed on a reused connection is tried again. */
import type { KubernetesObjectApi } from '@kubernetes/client-node';
import test from 'ava';
import { inTurn } from '../../src/traffic/labels.js';

const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'n' } };
const prematureClose = () =>
  new Error(
    'Failed to fetch resource metadata for apps/v1/Deployment: Invalid response body: Premature close',
  );

test('concurrent requests of a kind wait for its first one', async (t) => {
  const objects = {} as KubernetesObjectApi;
  const order: string[] = [];
  let finishFirst!: () => void;
  const first = inTurn(objects, deployment, async () => {
    order.push('first started');
    await new Promise<void>((resolve) => (finishFirst = resolve));
    order.push('first done');
  });
  const others = [1, 2].map((n) => inTurn(objects, deployment, async () => void order.push(`other ${n}`)));
  const service = inTurn(objects, { ...deployment, apiVersion: 'v1', kind: 'Service' }, async () =>
    order.push('another kind'),
  );
  await service;
  t.deepEqual(order, ['first started', 'another kind'], 'another kind does not wait');
  finishFirst();
  await Promise.all([first, ...others]);
  t.deepEqual(order.slice(2), ['first done', 'other 1', 'other 2']);
});

test('a first request whose lookup failed with "Premature close" is tried once more', async (t) => {
  const objects = {} as KubernetesObjectApi;
  let calls = 0;
  const result = await inTurn(objects, deployment, async () => {
    if (++calls === 1) throw prematureClose();
    return 'ok';
  });
  t.is(result, 'ok');
  t.is(calls, 2);
});

test('other failures are not retried, and a failed lookup lets the next request go first', async (t) => {
  const objects = {} as KubernetesObjectApi;
  await t.throwsAsync(
    inTurn(objects, deployment, async () => {
      throw Object.assign(new Error('Not Found'), { code: 404 });
    }),
    { message: 'Not Found' },
  );
  let calls = 0;
  const failing = () =>
    inTurn(objects, { ...deployment, kind: 'ReplicaSet' }, async () => {
      calls++;
      throw new Error('Failed to fetch resource metadata for apps/v1/ReplicaSet: connect ECONNREFUSED');
    });
  await t.throwsAsync(failing());
  await t.throwsAsync(failing());
  t.is(calls, 2, 'each tried once, the second as a new first');
});
