import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import test from 'ava';
import { waitFor } from '../cluster/index.js';
import { loadKubeConfig } from '../support/kube.js';
import { fastSpec, MODELS, modelSpec, withEnvironment } from './environment.js';
import { startTraffic } from './traffic.js';

const NAME = 'house-price';

test.serial(
  'an operator killed with SIGKILL mid-canary is replaced and the rollout still promotes',
  async (t) => {
    await withEnvironment('e2e-kill', async (env) => {
      const spec = fastSpec(env);
      spec.strategy = {
        ...spec.strategy,
        shadow: { duration: '10s', mirrorPercent: 100 },
        canary: { steps: [20, 40, 60], stepDuration: '15s' },
      };
      const address = await env.deploy(NAME, spec);
      const traffic = startTraffic(address);
      try {
        await env.patch(NAME, { spec: { model: modelSpec(MODELS.v2) } });
        const mid = await env.waitUntil(
          NAME,
          'canary step 2',
          (md) => md.status?.phase === 'Canary' && (md.status.currentStep ?? 0) >= 1,
          180_000,
        );
        await env.restartOperator(true);
        const done = await env.waitForPhase(NAME, ['Succeeded', 'Failed'], 240_000);
        t.is(done.status?.phase, 'Succeeded', done.status?.message);
        t.is(done.status?.master?.version, MODELS.v2.version);
        t.true(
          (done.status?.history ?? []).filter((h) => h.version === MODELS.v2.version).length === 1,
          'one rollout, not two',
        );
        t.is(
          mid.status?.rolloutStartedAt,
          done.status?.history?.[0]?.startedAt,
          'the same rollout continued',
        );
      } finally {
        await traffic.stop();
      }
    });
  },
);

test.serial('Manual promotion waits until `kubectl modelrollout promote`', async (t) => {
  await withEnvironment('e2e-manual', async (env) => {
    const spec = fastSpec(env);
    spec.strategy = {
      ...spec.strategy,
      shadow: { duration: '10s', mirrorPercent: 100 },
      canary: { steps: [50], stepDuration: '10s' },
      promotion: 'Manual',
    };
    const address = await env.deploy(NAME, spec);
    const traffic = startTraffic(address);
    try {
      await env.patch(NAME, { spec: { model: modelSpec(MODELS.v2) } });
      const waiting = await env.waitUntil(
        NAME,
        'awaiting promotion',
        (md) => md.status?.awaitingPromotion === true,
        180_000,
      );
      t.is(waiting.status?.master?.version, MODELS.v1.version);
      // Still waiting a while later: nothing promotes on its own.
      const later = await env.waitUntil(
        NAME,
        'another analysis',
        (md) => md.status?.lastAnalysis?.time !== waiting.status?.lastAnalysis?.time,
        60_000,
      );
      t.true(later.status?.awaitingPromotion);
      t.not(later.status?.phase, 'Promoting');
      const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-bin-'));
      fs.symlinkSync(path.resolve('bin/kubectl-modelrollout.js'), path.join(bin, 'kubectl-modelrollout'));
      const out = execFileSync(
        'kubectl',
        ['modelrollout', 'promote', NAME, '-n', env.namespace, '--kubeconfig', env.plane.kubeconfig],
        {
          env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
          encoding: 'utf8',
        },
      );
      fs.rmSync(bin, { recursive: true, force: true });
      t.regex(out, /promote requested/);
      const done = await env.waitForPhase(NAME, ['Succeeded', 'Failed'], 120_000);
      t.is(done.status?.phase, 'Succeeded');
      t.is(done.status?.master?.version, MODELS.v2.version);
    } finally {
      await traffic.stop();
    }
  });
});

test.serial('deleting a ModelDeployment removes its children and routing', async (t) => {
  await withEnvironment('e2e-delete', async (env) => {
    await env.create(NAME, fastSpec(env));
    await env.waitUntil(NAME, 'master v1 ready', (md) => (md.status?.master?.readyReplicas ?? 0) >= 1);
    const kc = loadKubeConfig(env.plane.kubeconfig);
    const apps = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    const namespace = env.namespace;
    t.true((await apps.listNamespacedDeployment({ namespace })).items.length >= 2);
    await env.remove(NAME);
    await waitFor(
      'children gone',
      async () => {
        const [deployments, services, configmaps] = await Promise.all([
          apps.listNamespacedDeployment({ namespace }),
          core.listNamespacedService({ namespace }),
          core.listNamespacedConfigMap({
            namespace,
            labelSelector: 'app.kubernetes.io/managed-by=modelrollout',
          }),
        ]);
        return deployments.items.length + services.items.length + configmaps.items.length === 0
          ? true
          : undefined;
      },
      { timeoutMs: 60_000 },
    );
    await waitFor(
      'pods gone',
      async () => ((await core.listNamespacedPod({ namespace })).items.length === 0 ? true : undefined),
      { timeoutMs: 60_000 },
    );
    t.pass();
  });
});
