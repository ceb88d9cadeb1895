import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CustomObjectsApi } from '@kubernetes/client-node';
import test from 'ava';
import { PROMOTE_ANNOTATION } from '../../src/api/controls.js';
import type { ModelDeployment } from '../../src/api/types.js';
import { pluginMain } from '../../src/plugin/main.js';
import { sharedControlPlane } from '../../../test/cluster/index.js';
import { freshNamespace, installCrds, loadKubeConfig } from '../../../test/support/kube.js';

const target = { group: 'modelrollout.io', version: 'v1alpha1', plural: 'modeldeployments' };

async function setup(phase: string) {
  const plane = await sharedControlPlane();
  await installCrds(plane.kubeconfig);
  const namespace = await freshNamespace(plane.kubeconfig, 'plugin');
  const api = loadKubeConfig(plane.kubeconfig).makeApiClient(CustomObjectsApi);
  await api.createNamespacedCustomObject({
    ...target,
    namespace,
    body: {
      apiVersion: 'modelrollout.io/v1alpha1',
      kind: 'ModelDeployment',
      metadata: { name: 'house-price' },
      spec: {
        model: {
          version: '2.0.0',
          image: 'modelrollout/model-server:0.1.0',
          artifact: { uri: 'file:///models/gbm.json' },
        },
        strategy: { canary: { steps: [10, 50] } },
        analysis: {
          prometheus: { address: 'http://127.0.0.1:9' },
          checks: [{ builtin: 'errorRate', max: 0.01 }],
        },
      },
    },
  });
  await api.patchNamespacedCustomObjectStatus(
    {
      ...target,
      namespace,
      name: 'house-price',
      body: { status: { phase, canaryWeight: 10, currentStep: 0 } },
    },
    // merge patch of the status subresource, as the operator would write it
    (await import('@kubernetes/client-node')).setHeaderOptions(
      'Content-Type',
      'application/merge-patch+json',
    ),
  );
  const run = async (...args: string[]) => {
    let out = '';
    const sink = { write: (s: string) => (out += s) };
    const code = await pluginMain(
      [...args, '-n', namespace, '--kubeconfig', plane.kubeconfig],
      undefined,
      sink,
    );
    return { code, out };
  };
  const read = async () =>
    (await api.getNamespacedCustomObject({ ...target, namespace, name: 'house-price' })) as ModelDeployment;
  return { plane, namespace, run, read };
}

test('promote, pause and resume write what the operator reads', async (t) => {
  const { run, read } = await setup('Canary');
  t.is((await run('promote', 'house-price')).code, 0);
  t.truthy((await read()).metadata.annotations?.[PROMOTE_ANNOTATION]);
  t.is((await run('pause', 'house-price')).code, 0);
  t.true((await read()).spec.paused);
  t.is((await run('pause', 'house-price')).code, 1, 'pausing twice is refused');
  t.is((await run('resume', 'house-price')).code, 0);
  t.false((await read()).spec.paused);
});

test('impossible actions and unknown names are refused with a clear error', async (t) => {
  const { run, read } = await setup('Succeeded');
  t.is((await run('retry', 'house-price')).code, 1);
  t.is((await run('promote', 'house-price')).code, 1);
  t.is((await read()).metadata.annotations?.[PROMOTE_ANNOTATION], undefined, 'nothing was written');
  t.is((await run('status', 'no-such-model')).code, 1);
});

test('works as `kubectl modelrollout` from PATH', async (t) => {
  const { plane, namespace } = await setup('Canary');
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-bin-'));
  fs.symlinkSync(path.resolve('bin/kubectl-modelrollout.js'), path.join(bin, 'kubectl-modelrollout'));
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
  const list = execFileSync(
    'kubectl',
    ['modelrollout', 'status', '-n', namespace, '--kubeconfig', plane.kubeconfig],
    {
      env,
      encoding: 'utf8',
    },
  );
  t.regex(list, /NAME\s+PHASE\s+MASTER\s+CANDIDATE\s+WEIGHT/);
  t.regex(list, /house-price\s+Canary\s+-\s+-\s+10%/);
  const missing = spawnSync(
    'kubectl',
    ['modelrollout', 'history', 'nope', '-n', namespace, '--kubeconfig', plane.kubeconfig],
    {
      env,
      encoding: 'utf8',
    },
  );
  t.is(missing.status, 1);
  t.regex(missing.stderr, new RegExp(`modeldeployment "nope" not found in namespace "${namespace}"`));
  fs.rmSync(bin, { recursive: true, force: true });
});
