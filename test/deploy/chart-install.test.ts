/**
 * The chart and manifests/install.yaml against the real API server: server-side validation, a real
 * `helm install` in both RBAC modes, and the operator ServiceAccount's permissions as the API
 * server's authorizer answers them.
 */
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { waitFor } from '../cluster/index.js';
import {
  NO_NODE,
  cluster,
  CHART,
  MANIFESTS,
  helmTemplate,
  parseObjects,
  toYamlStream,
  uniqueName,
  type Cluster,
} from './helpers.js';
import {
  FORBIDDEN_CLUSTER_WIDE,
  forbiddenInWatchedNamespace,
  neededForLeaderElection,
  neededInWatchedNamespace,
} from './operator-permissions.js';
import { canI, serviceAccountUser, unexpected } from './rbac-check.js';

const NO_NODE_VALUES = ['--set-json', `nodeSelector=${JSON.stringify(NO_NODE)}`];
const MONITORING_KINDS = new Set(['ServiceMonitor', 'PrometheusRule']);

/** Objects of the manifest that `kubectl get` does not find on the server. */
async function missingObjects(k: Cluster, manifest: string): Promise<string[]> {
  const result = await k.kubectl(['get', '-f', '-', '-o', 'name'], manifest);
  // Lines look like `deployment.apps/name` or `serviceaccount/name`.
  const found = result.stdout.trim().split('\n').filter(Boolean);
  return parseObjects(manifest)
    .filter(
      (o) =>
        !found.some(
          (line) =>
            line.split('/')[0].split('.')[0] === o.kind.toLowerCase() && line.endsWith(`/${o.metadata.name}`),
        ),
    )
    .map((o) => `${o.kind}/${o.metadata.name}`);
}

/** The ReplicaSet controller created `count` pods with the operator's labels. */
async function waitForOperatorPods(
  k: Cluster,
  namespace: string,
  release: string,
  count: number,
): Promise<void> {
  await waitFor(
    `${count} operator pods in ${namespace}`,
    async () => {
      const out = await k.kubectlOk([
        'get',
        'pods',
        '-n',
        namespace,
        '-l',
        `app.kubernetes.io/instance=${release},app.kubernetes.io/component=operator`,
        '-o',
        'name',
      ]);
      return out.trim().split('\n').filter(Boolean).length === count ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
}

test('helm template output is accepted by the API server (server-side dry run), in both RBAC modes', async (t) => {
  const k = await cluster();
  const namespace = await k.createNamespace(uniqueName('mr-dry'));
  const watched = await k.createNamespace(uniqueName('mr-dry-ml'));
  try {
    const variants = [
      ['gatewayApi.enabled=true', 'dashboards.enabled=true', 'networkPolicy.enabled=true'],
      [
        'rbac.scope=namespaced',
        `watchNamespaces={${watched}}`,
        'dashboards.enabled=true',
        'networkPolicy.enabled=true',
        'networkPolicy.egress.enabled=true',
        'networkPolicy.egress.apiServerCidrs={10.0.0.1/32}',
        'metrics.serviceMonitor.enabled=true',
        'metrics.prometheusRule.enabled=true',
      ],
    ];
    for (const values of variants) {
      const rendered = await helmTemplate(uniqueName('dry'), namespace, values, { includeCrds: true });
      // The Prometheus Operator's CRDs are not installed here; chart-render.test.ts checks those objects.
      const objects = rendered.filter((o) => !MONITORING_KINDS.has(o.kind));
      t.true(objects.length >= 10);
      const result = await k.kubectl(['apply', '--dry-run=server', '-f', '-'], toYamlStream(objects));
      t.is(result.code, 0, result.stderr);
      t.notRegex(result.stderr, /error/i);
    }
  } finally {
    await k.deleteNamespaces(namespace, watched);
  }
});

test('helm install, cluster scope: every object exists and the ServiceAccount may do exactly its job', async (t) => {
  const k = await cluster();
  await k.ensureCrds();
  const release = uniqueName('mrc');
  const namespace = await k.createNamespace(uniqueName('mr-cluster'));
  const anyNamespace = await k.createNamespace(uniqueName('mr-any'));
  try {
    const install = await k.helm(['install', release, CHART, '--namespace', namespace, ...NO_NODE_VALUES]);
    t.is(install.code, 0, install.stderr);
    t.regex(install.stdout, /reconciles ModelDeployments in all namespaces/);
    const manifest = (await k.helm(['get', 'manifest', release, '--namespace', namespace])).stdout;
    t.deepEqual(await missingObjects(k, manifest), []);
    await waitForOperatorPods(k, namespace, release, 2);

    const user = serviceAccountUser(namespace, `${release}-modelrollout`);
    const lease = `${release}-modelrollout-leader`;
    t.deepEqual(unexpected(await canI(k, user, neededInWatchedNamespace(false), anyNamespace), true), []);
    t.deepEqual(unexpected(await canI(k, user, neededForLeaderElection(lease), namespace), true), []);
    t.deepEqual(unexpected(await canI(k, user, forbiddenInWatchedNamespace(false), anyNamespace), false), []);
    t.deepEqual(unexpected(await canI(k, user, FORBIDDEN_CLUSTER_WIDE, undefined), false), []);
    // The Lease permissions hold in the release namespace only.
    t.deepEqual(unexpected(await canI(k, user, neededForLeaderElection(lease), anyNamespace), false), []);

    const uninstall = await k.helm(['uninstall', release, '--namespace', namespace]);
    t.is(uninstall.code, 0, uninstall.stderr);
    t.deepEqual(
      unexpected(await canI(k, user, neededInWatchedNamespace(false).slice(0, 3), anyNamespace), false),
      [],
    );
  } finally {
    await k.helm(['uninstall', release, '--namespace', namespace, '--ignore-not-found']);
    await k.deleteNamespaces(namespace, anyNamespace);
  }
});

test('helm install, namespaced scope: permissions only in the watched namespace; it can grant the router Role', async (t) => {
  const k = await cluster();
  await k.ensureCrds();
  await k.ensureHttpRouteCrd();
  const release = uniqueName('mrn');
  const namespace = await k.createNamespace(uniqueName('mr-ns'));
  const watched = await k.createNamespace(uniqueName('mr-ml'));
  const other = await k.createNamespace(uniqueName('mr-other'));
  try {
    const install = await k.helm([
      'install',
      release,
      CHART,
      '--namespace',
      namespace,
      '--set',
      'rbac.scope=namespaced',
      '--set',
      `watchNamespaces={${watched}}`,
      '--set',
      'gatewayApi.enabled=true',
      ...NO_NODE_VALUES,
    ]);
    t.is(install.code, 0, install.stderr);
    const manifest = (await k.helm(['get', 'manifest', release, '--namespace', namespace])).stdout;
    t.deepEqual(await missingObjects(k, manifest), []);
    t.true(parseObjects(manifest).some((o) => o.kind === 'Role' && o.metadata.namespace === watched));
    await waitForOperatorPods(k, namespace, release, 2);

    const user = serviceAccountUser(namespace, `${release}-modelrollout`);
    t.deepEqual(unexpected(await canI(k, user, neededInWatchedNamespace(true), watched), true), []);
    t.deepEqual(
      unexpected(
        await canI(k, user, neededForLeaderElection(`${release}-modelrollout-leader`), namespace),
        true,
      ),
      [],
    );
    t.deepEqual(unexpected(await canI(k, user, forbiddenInWatchedNamespace(true), watched), false), []);
    t.deepEqual(unexpected(await canI(k, user, neededInWatchedNamespace(true), other), false), []);
    t.deepEqual(unexpected(await canI(k, user, FORBIDDEN_CLUSTER_WIDE, undefined), false), []);
    // Cluster-wide list/watch would need a ClusterRole: informers must be namespaced in this mode.
    t.deepEqual(
      unexpected(
        await canI(k, user, [{ verb: 'list', resource: 'modeldeployments.modelrollout.io' }], undefined),
        false,
      ),
      [],
    );

    // What the operator does for each router: a Role reading one ConfigMap, bound to the router's
    // ServiceAccount. RBAC lets it grant only what it holds, so a Role on Secrets is refused.
    const as = ['--as', user, '-n', watched];
    const role = await k.kubectl([
      'create',
      'role',
      'house-price-router',
      '--verb=get,list,watch',
      '--resource=configmaps',
      '--resource-name=house-price-routes',
      ...as,
    ]);
    t.is(role.code, 0, role.stderr);
    const binding = await k.kubectl([
      'create',
      'rolebinding',
      'house-price-router',
      '--role=house-price-router',
      `--serviceaccount=${watched}:house-price-router`,
      ...as,
    ]);
    t.is(binding.code, 0, binding.stderr);
    const escalation = await k.kubectl([
      'create',
      'role',
      'steal',
      '--verb=get',
      '--resource=secrets',
      ...as,
    ]);
    t.not(escalation.code, 0);
    t.regex(escalation.stderr, /forbidden/i);
  } finally {
    await k.helm(['uninstall', release, '--namespace', namespace, '--ignore-not-found']);
    await k.deleteNamespaces(namespace, watched, other);
  }
});

test('kubectl apply -f manifests/install.yaml creates the operator with the same permissions', async (t) => {
  const k = await cluster();
  const file = path.join(MANIFESTS, 'install.yaml');
  const objects = parseObjects(fs.readFileSync(file, 'utf8'));
  const namespace = objects.find((o) => o.kind === 'Namespace')!.metadata.name;
  const notCrds = objects.filter((o) => o.kind !== 'CustomResourceDefinition');
  const anyNamespace = await k.createNamespace(uniqueName('mr-bundle'));
  try {
    // A previous run's namespace may still be terminating; apply into it would be refused.
    await waitFor(
      `namespace ${namespace} to be gone or active`,
      async () => {
        const phase = await k.kubectl(['get', 'namespace', namespace, '-o', 'jsonpath={.status.phase}']);
        return phase.code !== 0 || phase.stdout === 'Active' ? true : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    const applied = await k.kubectl(['apply', '-f', file]);
    t.is(applied.code, 0, applied.stderr);
    t.deepEqual(await missingObjects(k, fs.readFileSync(file, 'utf8')), []);
    const labels = JSON.parse(
      await k.kubectlOk(['get', 'namespace', namespace, '-o', 'jsonpath={.metadata.labels}']),
    ) as Record<string, string>;
    t.is(labels['pod-security.kubernetes.io/enforce'], 'restricted');
    await waitForOperatorPods(k, namespace, 'modelrollout', 2);

    const user = serviceAccountUser(namespace, 'modelrollout');
    t.deepEqual(unexpected(await canI(k, user, neededInWatchedNamespace(false), anyNamespace), true), []);
    t.deepEqual(
      unexpected(await canI(k, user, neededForLeaderElection('modelrollout-leader'), namespace), true),
      [],
    );
    t.deepEqual(unexpected(await canI(k, user, forbiddenInWatchedNamespace(false), anyNamespace), false), []);
    t.deepEqual(unexpected(await canI(k, user, FORBIDDEN_CLUSTER_WIDE, undefined), false), []);
  } finally {
    // CRDs are shared by every test on this API server: never deleted.
    await k.kubectl(['delete', '--wait=false', '--ignore-not-found', '-f', '-'], toYamlStream(notCrds));
    await k.deleteNamespaces(anyNamespace);
  }
});
