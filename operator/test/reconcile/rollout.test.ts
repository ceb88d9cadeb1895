/**
 * The reconciler against the real API server (with the deployment, replicaset and garbage
 * collector controllers running): children, a full rollout, and a rollback. Pod readiness is
 * reported by the test (no kubelet runs); analysis verdicts come from a scripted Analyzer.
 */
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import test from 'ava';
import { FINALIZER } from '../../src/api/group.js';
import { harness, SEC, testSpec } from './harness.js';

test('first reconcile creates every child with a controller owner reference, and the finalizer', async (t) => {
  const h = await harness('children', testSpec('v1'));
  const result = await h.reconcile();
  const md = await h.get();
  t.deepEqual(md.metadata.finalizers, [FINALIZER]);
  t.is(md.status?.phase, 'Idle');
  t.is(md.status?.master?.version, 'v1');
  t.is(md.status?.observedGeneration, 1);
  t.is(result.requeueAfterMs, undefined, 'nothing time-based to wait for');

  const apps = h.kc.makeApiClient(AppsV1Api);
  const core = h.kc.makeApiClient(CoreV1Api);
  const owned = (o: { metadata?: { ownerReferences?: { uid: string; controller?: boolean }[] } }) =>
    o.metadata?.ownerReferences?.some((r) => r.uid === md.metadata.uid && r.controller === true) ?? false;
  const ns = h.namespace;
  const master = await apps.readNamespacedDeployment({ namespace: ns, name: 'house-price-master' });
  const router = await apps.readNamespacedDeployment({ namespace: ns, name: 'house-price' });
  const children = [
    master,
    router,
    await core.readNamespacedService({ namespace: ns, name: 'house-price-master' }),
    await core.readNamespacedService({ namespace: ns, name: 'house-price' }),
    await core.readNamespacedServiceAccount({ namespace: ns, name: 'house-price-router' }),
    await core.readNamespacedConfigMap({ namespace: ns, name: 'house-price-routes' }),
  ];
  for (const child of children) t.true(owned(child), `${child.kind ?? ''} ${child.metadata?.name} is owned`);
  t.is(
    master.metadata?.managedFields?.find((f) => f.operation === 'Apply')?.manager,
    'modelrollout-operator',
  );
  const env = Object.fromEntries(
    master.spec!.template.spec!.containers[0].env!.map((e) => [e.name, e.value ?? e.valueFrom]),
  );
  t.like(env, { MODEL_ARTIFACT: '/models/v1.json', MODEL_VARIANT: 'master', MODEL_VERSION: 'v1' });
  t.deepEqual(JSON.parse(JSON.stringify(env.DATABASE_URL)), {
    secretKeyRef: { name: 'house-price-db', key: 'url' },
  });
  t.false(await h.deploymentExists('candidate'));
  t.deepEqual(await h.router.current(ns, h.name), { canaryWeight: 0, mirrorPercent: 0 });

  await h.ready('master');
  await h.reconcile();
  const ready = (await h.get()).status?.conditions?.find((c) => c.type === 'Ready');
  t.is(ready?.status, 'True');
  t.deepEqual(await h.eventReasons(), ['MasterDeployed']);
});

test('a spec change rolls out through shadow and canary steps to promotion', async (t) => {
  const h = await harness('rollout', testSpec('v1'));
  await h.reconcile();
  await h.ready('master');
  await h.reconcile();

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
  t.is((await h.get()).status?.phase, 'Initializing');
  t.true(await h.deploymentExists('candidate'));
  t.is(h.router.last?.candidate?.version, 'v2');

  await h.ready('candidate');
  await h.reconcile();
  t.is((await h.get()).status?.phase, 'Shadowing');
  t.deepEqual(await h.router.current(h.namespace, h.name), { canaryWeight: 0, mirrorPercent: 100 });

  // Two analyses over the 1m shadow stage, then the first canary step.
  for (let i = 0; i < 2; i++) {
    h.clock.advance(30 * SEC);
    const r = await h.reconcile();
    t.true((r.requeueAfterMs ?? Infinity) <= 30 * SEC);
  }
  t.deepEqual(
    h.analyzer.targets.map((a) => a.mode),
    ['shadow', 'shadow'],
  );
  t.like(h.analyzer.targets[0], {
    masterVersion: 'v1',
    candidateVersion: 'v2',
    settings: { intervalSeconds: 30 },
  });
  let md = await h.get();
  t.is(md.status?.phase, 'Canary');
  t.deepEqual(await h.router.current(h.namespace, h.name), { canaryWeight: 20, mirrorPercent: 0 });
  t.is(md.status?.lastAnalysis?.checks[0].name, 'errorRate');

  for (let i = 0; i < 2; i++) {
    h.clock.advance(30 * SEC);
    await h.reconcile();
  }
  t.is((await h.get()).status?.canaryWeight, 60);
  for (let i = 0; i < 2; i++) {
    h.clock.advance(30 * SEC);
    await h.reconcile();
  }
  md = await h.get();
  t.is(md.status?.phase, 'Promoting');
  t.is(md.status?.master?.version, 'v2');
  const apps = h.kc.makeApiClient(AppsV1Api);
  const master = await apps.readNamespacedDeployment({ namespace: h.namespace, name: 'house-price-master' });
  t.is(master.spec?.template.metadata?.labels?.['modelrollout.io/version'], 'v2');

  await h.ready('master');
  await h.reconcile();
  md = await h.get();
  t.is(md.status?.phase, 'Succeeded');
  t.is(md.status?.candidate, undefined);
  t.like(md.status?.history?.[0], { version: 'v2', outcome: 'Promoted' });
  t.false(await h.deploymentExists('candidate'));
  t.deepEqual(await h.router.current(h.namespace, h.name), { canaryWeight: 0, mirrorPercent: 0 });
  t.is(h.router.last?.candidate, null);
  t.deepEqual(await h.eventReasons(), [
    'MasterDeployed',
    'RolloutStarted',
    'ShadowStarted',
    'CanaryStarted',
    'CanaryStepAdvanced',
    'PromotionStarted',
    'Promoted',
  ]);
});

test('a failing candidate is rolled back, the failing check named, and not retried', async (t) => {
  const h = await harness('rollback', testSpec('v1'));
  await h.reconcile();
  await h.ready('master');
  await h.patch({
    spec: {
      model: {
        version: 'v3',
        image: 'registry.example/model-server:v3',
        artifact: { uri: '/models/v3.json' },
      },
    },
  });
  await h.reconcile();
  await h.ready('candidate');
  await h.reconcile();
  h.analyzer.verdict = 'fail';
  h.clock.advance(30 * SEC);
  await h.reconcile();
  t.is((await h.get()).status?.failedChecks, 1);
  h.clock.advance(30 * SEC);
  const r = await h.reconcile();
  let md = await h.get();
  t.is(md.status?.phase, 'RollingBack');
  t.regex(md.status?.message ?? '', /analysis failed 2 times \(limit 2\); last: errorRate 0\.3/);
  t.false(await h.deploymentExists('candidate'), 'candidate removed in the same pass');
  t.deepEqual(await h.router.current(h.namespace, h.name), { canaryWeight: 0, mirrorPercent: 0 });
  t.true((r.requeueAfterMs ?? Infinity) <= SEC);

  await h.reconcile();
  md = await h.get();
  t.is(md.status?.phase, 'Failed');
  t.is(md.status?.failedVersion, 'v3');
  t.like(md.status?.history?.[0], { version: 'v3', outcome: 'Failed' });
  t.is(md.status?.conditions?.find((c) => c.type === 'Progressing')?.reason, 'RolloutFailed');
  const reasons = await h.eventReasons();
  t.deepEqual(reasons.slice(-4), ['AnalysisFailed', 'AnalysisFailed', 'RollbackStarted', 'RolledBack']);

  h.clock.advance(10 * 60 * SEC);
  await h.reconcile();
  t.is((await h.get()).status?.phase, 'Failed');
  t.false(await h.deploymentExists('candidate'), 'the failed version is not retried');
});
