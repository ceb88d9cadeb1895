/**
 * Pod Security admission ("restricted", enforced by the real API server) accepts every pod the
 * chart and the operator create: each Deployment is created for real in a restricted namespace
 * without a warning, its ReplicaSet gets its pods admitted, and a Pod made from its template
 * passes a server-side dry run.
 */
import type { V1Deployment } from '@kubernetes/client-node';
import test, { type ExecutionContext } from 'ava';
import type { ResolvedModel } from '../../operator/src/api/defaults.js';
import type { ChildScope } from '../../operator/src/reconcile/children/common.js';
import { modelDeployment } from '../../operator/src/reconcile/children/model-workload.js';
import { routerDeployment } from '../../operator/src/reconcile/children/router.js';
import { waitFor } from '../cluster/index.js';
import { NO_NODE, cluster, helmTemplate, uniqueName, type Cluster, type KubeObject } from './helpers.js';
import { podSecurityProblems, type PodSpecLike } from './pod-security.js';

const RESTRICTED = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/warn-version': 'latest',
};

type Deployment = KubeObject & {
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: { spec: PodSpecLike };
  };
};

const withNoNode = (spec: PodSpecLike) => ({ ...spec, nodeSelector: NO_NODE });

/** Creates `deployment` for real in `namespace`; returns kubectl's stderr (where admission warnings go). */
async function createDeployment(k: Cluster, namespace: string, deployment: Deployment): Promise<string> {
  const manifest = {
    ...deployment,
    metadata: { ...deployment.metadata, namespace, ownerReferences: undefined },
    spec: {
      ...deployment.spec,
      template: { ...deployment.spec.template, spec: withNoNode(deployment.spec.template.spec) },
    },
  };
  const result = await k.kubectl(['create', '-f', '-'], JSON.stringify(manifest));
  if (result.code !== 0) throw new Error(`creating ${deployment.metadata.name}: ${result.stderr}`);
  return result.stderr;
}

/** Waits until the ReplicaSet controller has had all the Deployment's pods admitted. */
async function waitForPods(k: Cluster, namespace: string, deployment: Deployment): Promise<number> {
  const want = deployment.spec.replicas ?? 1;
  const selector = Object.entries(deployment.spec.selector.matchLabels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  return waitFor(
    `${want} pods of ${deployment.metadata.name}`,
    async () => {
      const out = await k.kubectlOk(['get', 'pods', '-n', namespace, '-l', selector, '-o', 'name']);
      const count = out.trim().split('\n').filter(Boolean).length;
      return count >= want ? count : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
}

/** Server-side dry run of a bare Pod made from the Deployment's pod template. */
async function dryRunPod(k: Cluster, namespace: string, deployment: Deployment) {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${deployment.metadata.name}-probe`, namespace },
    spec: withNoNode(deployment.spec.template.spec),
  };
  return k.kubectl(['create', '--dry-run=server', '-f', '-'], JSON.stringify(pod));
}

async function assertAdmitted(t: ExecutionContext, k: Cluster, namespace: string, d: Deployment) {
  t.deepEqual(podSecurityProblems(d.spec.template.spec), [], d.metadata.name);
  const warnings = await createDeployment(k, namespace, d);
  t.notRegex(warnings, /PodSecurity|Warning/, `${d.metadata.name}: ${warnings}`);
  t.is(await waitForPods(k, namespace, d), d.spec.replicas ?? 1);
  const probe = await dryRunPod(k, namespace, d);
  t.is(probe.code, 0, `${d.metadata.name} as a Pod: ${probe.stderr}`);
}

test('control: a restricted namespace refuses a pod without the security settings', async (t) => {
  const k = await cluster();
  const namespace = await k.createNamespace(uniqueName('psa-control'), RESTRICTED);
  try {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'plain', namespace },
      spec: { containers: [{ name: 'app', image: 'busybox' }] },
    };
    const result = await k.kubectl(['create', '--dry-run=server', '-f', '-'], JSON.stringify(pod));
    t.not(result.code, 0);
    t.regex(result.stderr, /violates PodSecurity "restricted:latest"/);
  } finally {
    await k.deleteNamespaces(namespace);
  }
});

test("the chart's operator pods are admitted in a restricted namespace", async (t) => {
  const k = await cluster();
  const namespace = await k.createNamespace(uniqueName('psa-chart'), RESTRICTED);
  try {
    const variants = [
      [],
      ['networkPolicy.enabled=true', 'replicaCount=3', 'podDisruptionBudget.enabled=false'],
    ];
    for (const [i, values] of variants.entries()) {
      const objects = await helmTemplate(`psa${i}`, namespace, values);
      const deployments = objects.filter((o): o is Deployment => o.kind === 'Deployment');
      t.is(deployments.length, 1);
      await assertAdmitted(t, k, namespace, deployments[0]);
    }
  } finally {
    await k.deleteNamespaces(namespace);
  }
});

test("the operator's model-server and router pods are admitted in a restricted namespace", async (t) => {
  const k = await cluster();
  const namespace = await k.createNamespace(uniqueName('psa-operator'), RESTRICTED);
  try {
    const scope: ChildScope = {
      namespace,
      name: 'house-price',
      owner: {
        apiVersion: 'modelrollout.io/v1alpha1',
        kind: 'ModelDeployment',
        name: 'house-price',
        uid: 'unused',
      },
    };
    const image = 'modelrollout/model-server:0.1.0';
    const model = (artifact: ResolvedModel['artifact']): ResolvedModel => ({
      version: '0.2.0',
      image,
      artifact,
      env: [{ name: 'LOG_LEVEL', value: 'debug' }],
      replicas: 2,
      resources: { requests: { cpu: '100m', memory: '128Mi' } },
    });
    const store = { secretName: 'house-price-db', secretKey: 'url', required: true };
    const templates: V1Deployment[] = [
      // An artifact downloaded by an init container, with the prediction store's Secret.
      modelDeployment(
        scope,
        'candidate',
        model({ uri: 'https://models.example/gbm.json', sha256: 'a'.repeat(64) }),
        store,
      ),
      // An artifact in a ConfigMap.
      modelDeployment(
        scope,
        'master',
        model({ configMap: { name: 'house-price-model', key: 'model.json' } }),
        null,
      ),
      routerDeployment(scope, { replicas: 2 }, image),
    ];
    t.truthy(
      templates[0].spec?.template.spec?.initContainers?.length,
      'the download case has an init container',
    );
    for (const [i, template] of templates.entries()) {
      const deployment = template as unknown as Deployment;
      deployment.metadata = { ...deployment.metadata, name: `${deployment.metadata.name}-${i}` };
      await assertAdmitted(t, k, namespace, deployment);
    }
  } finally {
    await k.deleteNamespaces(namespace);
  }
});
