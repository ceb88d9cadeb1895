/** Status write conflicts, manual controls and deletion, against the real API server. */
import test from 'ava';
import { ABORT_ANNOTATION, PROMOTE_ANNOTATION, RETRY_ANNOTATION } from '../../src/api/controls.js';
import type { ModelDeployment } from '../../src/api/types.js';
import type { KubeAccess } from '../../src/reconcile/kube.js';
import { StatusConflictError } from '../../src/reconcile/status-writer.js';
import { waitFor } from '../../../test/cluster/index.js';
import { customObjects } from './cluster.js';
import { harness, SEC, testSpec } from './harness.js';

/** KubeAccess whose next status write is preceded by `interfere` (a concurrent writer). */
function interfering(inner: KubeAccess, interfere: { next?: (md: ModelDeployment) => Promise<unknown> }) {
  let writes = 0;
  const kube: KubeAccess = Object.create(inner);
  kube.replaceStatus = async (md) => {
    writes++;
    const run = interfere.next;
    interfere.next = undefined;
    if (run) await run(md);
    return inner.replaceStatus(md);
  };
  return { kube, inner, writes: () => writes };
}

test('a status write that loses to a metadata change is retried on the fresh object', async (t) => {
  const interfere: { next?: (md: ModelDeployment) => Promise<unknown> } = {};
  let counter!: ReturnType<typeof interfering>;
  const h = await harness('conflict-meta', testSpec('v1'), (k) => (counter = interfering(k, interfere)).kube);
  interfere.next = (md) =>
    customObjects(h.kc).patch(md.metadata.namespace, md.metadata.name, {
      metadata: { labels: { team: 'pricing' } },
    });
  await h.reconcile();
  const md = await h.get();
  t.is(counter.writes(), 2, 'the first write conflicted and was retried');
  t.is(md.status?.phase, 'Idle');
  t.is(md.status?.master?.version, 'v1');
  t.is(md.metadata.labels?.team, 'pricing', 'the concurrent change is kept');
});

test('a status changed by another writer is not overwritten: the pass fails and the next one recomputes', async (t) => {
  const interfere: { next?: (md: ModelDeployment) => Promise<unknown> } = {};
  let counter!: ReturnType<typeof interfering>;
  const h = await harness(
    'conflict-status',
    testSpec('v1'),
    (k) => (counter = interfering(k, interfere)).kube,
  );
  await h.reconcile();
  await h.ready('master');
  interfere.next = async (md) => {
    const fresh = await h.get();
    await counter.inner.replaceStatus({
      ...fresh,
      status: { ...fresh.status, message: 'written by someone else' },
    });
    return md;
  };
  await h.patch({
    spec: {
      model: {
        version: 'v2',
        image: 'registry.example/model-server:v2',
        artifact: { uri: '/models/v2.json' },
      },
    },
  });
  await t.throwsAsync(h.reconcile(), { instanceOf: StatusConflictError });
  t.is((await h.get()).status?.message, 'written by someone else');
  await h.reconcile();
  const md = await h.get();
  t.is(md.status?.phase, 'Initializing');
  t.is(md.status?.candidate?.version, 'v2');
});

test('controls are acted on once: abort rolls back, retry rolls out again, promote skips the steps', async (t) => {
  const h = await harness('controls', testSpec('v1'));
  await h.reconcile();
  await h.ready('master');
  await h.patch({
    spec: {
      model: {
        version: 'v2',
        image: 'registry.example/model-server:v2',
        artifact: { uri: '/models/v2.json' },
      },
    },
  });
  await h.reconcile();
  await h.ready('candidate');
  await h.reconcile();
  await h.patch({ metadata: { annotations: { [ABORT_ANNOTATION]: 'abort-1' } } });
  await h.reconcile();
  let md = await h.get();
  t.is(md.status?.phase, 'RollingBack');
  t.is(md.status?.handledControls?.abort, 'abort-1');
  await h.reconcile();
  t.is((await h.get()).status?.phase, 'Failed');
  t.like((await h.get()).status?.history?.[0], { version: 'v2', outcome: 'Aborted' });

  await h.patch({ metadata: { annotations: { [RETRY_ANNOTATION]: 'retry-1' } } });
  await h.reconcile();
  md = await h.get();
  t.is(md.status?.phase, 'Initializing');
  t.is(md.status?.failedVersion, undefined);
  await h.ready('candidate');
  await h.reconcile();
  t.is((await h.get()).status?.phase, 'Shadowing');

  await h.patch({ metadata: { annotations: { [PROMOTE_ANNOTATION]: 'promote-1' } } });
  await h.reconcile();
  md = await h.get();
  t.is(md.status?.phase, 'Promoting');
  t.is(md.status?.handledControls?.promote, 'promote-1');
  // The abort annotation still carries the handled token: it does not act again.
  await h.reconcile();
  t.is((await h.get()).status?.phase, 'Promoting');
});

test('pause keeps traffic and stops the clock; resume continues', async (t) => {
  const h = await harness(
    'pause',
    testSpec('v1', { strategy: { canary: { steps: [30], stepDuration: '1m' } } }),
  );
  await h.reconcile();
  await h.ready('master');
  await h.patch({
    spec: {
      model: {
        version: 'v2',
        image: 'registry.example/model-server:v2',
        artifact: { uri: '/models/v2.json' },
      },
    },
  });
  await h.reconcile();
  await h.ready('candidate');
  await h.reconcile();
  t.is((await h.get()).status?.canaryWeight, 30);
  await h.patch({ spec: { paused: true } });
  await h.reconcile();
  h.clock.advance(10 * 60 * SEC);
  const r = await h.reconcile();
  t.is(r.requeueAfterMs, undefined);
  t.is((await h.get()).status?.phase, 'Paused');
  t.deepEqual(await h.router.current(h.namespace, h.name), { canaryWeight: 30, mirrorPercent: 0 });
  t.is(h.analyzer.targets.length, 0);
  await h.patch({ spec: { paused: false } });
  await h.reconcile();
  t.is((await h.get()).status?.phase, 'Canary');
});

test('deleting a ModelDeployment restores traffic to master first, then its children go away', async (t) => {
  const h = await harness('finalizer', testSpec('v1'));
  await h.reconcile();
  await h.ready('master');
  await h.patch({
    spec: {
      model: {
        version: 'v2',
        image: 'registry.example/model-server:v2',
        artifact: { uri: '/models/v2.json' },
      },
    },
  });
  await h.reconcile();
  await h.ready('candidate');
  await h.reconcile();
  h.clock.advance(30 * SEC);
  await h.reconcile();
  h.clock.advance(30 * SEC);
  await h.reconcile();
  t.is(h.router.last?.canaryWeight, 20);

  await customObjects(h.kc).delete(h.namespace, h.name);
  t.truthy((await h.get()).metadata.deletionTimestamp, 'held by the finalizer');
  await h.reconcile();
  t.like(h.router.last, { candidate: null, canaryWeight: 0, mirrorPercent: 0, master: { version: 'v1' } });
  const gone = await t.throwsAsync(h.get());
  t.is((gone as { code?: number }).code, 404, 'the finalizer was removed, so the object is gone');
  t.deepEqual(await h.reconcile(), {}, 'a pass for a deleted object does nothing');
  await waitFor(
    'children garbage-collected',
    async () =>
      !(await h.deploymentExists('master')) && !(await h.deploymentExists('candidate')) ? true : undefined,
    { timeoutMs: 30_000 },
  );
  t.pass();
});
