import path from 'node:path';
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import test from 'ava';
import pino from 'pino';
import { waitFor } from '../../../test/cluster/index.js';
import { ControllerManager, type ManagerOptions } from '../../src/controller/manager.js';
import type { Reconciler, ReconcileResult } from '../../src/controller/types.js';
import { freshNamespace, installCrds, kubeConfig } from './kube.js';

let kc: KubeConfig;
const logger = pino({ level: 'silent' });

test.before(async () => {
  kc = await kubeConfig();
  await installCrds(kc, [
    path.resolve(import.meta.dirname, '../../../crds/modelrollout.io_modeldeployments.yaml'),
  ]);
});

/** Records every reconcile; `behave` decides each pass's outcome. */
class RecordingReconciler implements Reconciler {
  readonly keys: string[] = [];
  inFlight = 0;
  constructor(
    private readonly behave: (key: string, n: number) => Promise<ReconcileResult> = async () => ({}),
  ) {}
  async reconcile(key: string): Promise<ReconcileResult> {
    this.keys.push(key);
    this.inFlight++;
    try {
      return await this.behave(key, this.keys.filter((k) => k === key).length);
    } finally {
      this.inFlight--;
    }
  }
  count(key: string): number {
    return this.keys.filter((k) => k === key).length;
  }
}

async function createModelDeployment(namespace: string, name: string): Promise<string> {
  const created = (await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    group: 'modelrollout.io',
    version: 'v1alpha1',
    namespace,
    plural: 'modeldeployments',
    body: {
      apiVersion: 'modelrollout.io/v1alpha1',
      kind: 'ModelDeployment',
      metadata: { name },
      spec: {
        model: { version: '1.0.0', image: 'model-server:1', artifact: { uri: 'http://models/m.json' } },
        strategy: { canary: { steps: [50] } },
        analysis: { prometheus: { address: 'http://prometheus:9090' } },
      },
    },
  })) as { metadata: { uid: string } };
  return created.metadata.uid;
}

function manager(namespace: string, reconciler: Reconciler, extra: Partial<ManagerOptions> = {}) {
  return new ControllerManager({
    kubeConfig: kc,
    reconciler,
    logger,
    namespace,
    resyncPeriodMs: 600_000,
    ...extra,
  });
}

test('ModelDeployment changes and changes of managed children enqueue the ModelDeployment', async (t) => {
  const namespace = await freshNamespace(kc, 'manager');
  const other = await freshNamespace(kc, 'manager-other');
  const reconciler = new RecordingReconciler();
  const m = manager(namespace, reconciler);
  await m.start();
  await waitFor('informers synced', () => (m.ready ? true : undefined));
  await createModelDeployment(other, 'elsewhere');
  const uid = await createModelDeployment(namespace, 'house-price');
  const key = `${namespace}/house-price`;
  await waitFor('reconcile of the new ModelDeployment', () =>
    reconciler.count(key) >= 1 ? true : undefined,
  );
  const before = reconciler.count(key);
  await kc.makeApiClient(CoreV1Api).createNamespacedConfigMap({
    namespace,
    body: {
      metadata: {
        name: 'house-price-routes',
        labels: { 'app.kubernetes.io/managed-by': 'modelrollout' },
        ownerReferences: [
          { apiVersion: 'modelrollout.io/v1alpha1', kind: 'ModelDeployment', name: 'house-price', uid },
        ],
      },
    },
  });
  await waitFor('reconcile after the owned ConfigMap appeared', () =>
    reconciler.count(key) > before ? true : undefined,
  );
  t.false(
    reconciler.keys.some((k) => k.startsWith(`${other}/`)),
    'another namespace is not watched',
  );
  await m.shutdown();
  t.false(m.ready);
});

test('requeueAfter, errors with backoff and the periodic resync all reconcile again', async (t) => {
  const namespace = await freshNamespace(kc, 'manager');
  const reconciler = new RecordingReconciler(async (key, n) => {
    if (key.endsWith('/failing') && n < 3) throw new Error('transient');
    if (key.endsWith('/ticking')) return { requeueAfterMs: 50 };
    return {};
  });
  const m = manager(namespace, reconciler, { resyncPeriodMs: 300 });
  await m.start();
  await Promise.all(['failing', 'ticking', 'idle'].map((n) => createModelDeployment(namespace, n)));
  await waitFor('failing retried until it succeeds', () =>
    reconciler.count(`${namespace}/failing`) >= 3 ? true : undefined,
  );
  await waitFor('ticking requeued', () => (reconciler.count(`${namespace}/ticking`) >= 5 ? true : undefined));
  await waitFor('idle resynced', () => (reconciler.count(`${namespace}/idle`) >= 3 ? true : undefined));
  await m.shutdown();
  t.pass();
});

test('shutdown drains an in-flight reconcile before returning', async (t) => {
  const namespace = await freshNamespace(kc, 'manager');
  let release: () => void = () => undefined;
  let finished = false;
  const reconciler = new RecordingReconciler(async () => {
    await new Promise<void>((resolve) => (release = resolve));
    finished = true;
    return {};
  });
  const m = manager(namespace, reconciler);
  await m.start();
  await createModelDeployment(namespace, 'slow');
  await waitFor('reconcile started', () => (reconciler.inFlight === 1 ? true : undefined));
  let down = false;
  const stopping = m.shutdown().then(() => (down = true));
  await new Promise((resolve) => setImmediate(resolve));
  t.false(down, 'shutdown waits');
  release();
  await stopping;
  t.true(finished);
});

test('with leader election only the leader reconciles; the standby takes over when it stops', async (t) => {
  const namespace = await freshNamespace(kc, 'manager');
  const leaderElection = (identity: string) => ({
    leaseName: 'modelrollout',
    leaseNamespace: namespace,
    identity,
    leaseDurationMs: 2000,
    renewDeadlineMs: 1500,
    retryPeriodMs: 200,
  });
  const ra = new RecordingReconciler();
  const rb = new RecordingReconciler();
  const a = manager(namespace, ra, { leaderElection: leaderElection('a') });
  await a.start();
  await waitFor('a leads', () => (a.leading ? true : undefined));
  const b = manager(namespace, rb, { leaderElection: leaderElection('b') });
  await b.start();
  await waitFor('the standby to be ready (informers synced)', () => (b.ready ? true : undefined));
  await createModelDeployment(namespace, 'house-price');
  const key = `${namespace}/house-price`;
  await waitFor('the leader reconciles', () => (ra.count(key) >= 1 ? true : undefined));
  t.false(b.leading);
  t.is(rb.count(key), 0, 'the standby does not reconcile');
  await a.shutdown();
  await waitFor('b leads and reconciles', () => (rb.count(key) >= 1 ? true : undefined), {
    timeoutMs: 10_000,
  });
  t.true(b.leading);
  await b.shutdown();
});
