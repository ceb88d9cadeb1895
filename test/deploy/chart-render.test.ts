/** The Helm chart rendered offline: lint, values validation, RBAC rules, security settings, monitoring objects. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { parse } from 'yaml';
import {
  CHART,
  MANIFESTS,
  findOne,
  helmBinary,
  helmTemplate,
  run,
  runOk,
  type KubeObject,
} from './helpers.js';
import { leaderElectionRules, workloadRules, type PolicyRule } from './operator-permissions.js';
import { podSecurityProblems, type PodSpecLike } from './pod-security.js';

const ALL_OPTIONS = [
  'metrics.serviceMonitor.enabled=true',
  'metrics.prometheusRule.enabled=true',
  'dashboards.enabled=true',
  'networkPolicy.enabled=true',
  'networkPolicy.egress.enabled=true',
  'networkPolicy.egress.apiServerCidrs={10.0.0.1/32}',
  'gatewayApi.enabled=true',
];

interface PodTemplateHolder {
  spec: { template: { spec: Record<string, unknown> & { containers: Container[] } } };
}
interface Container {
  name: string;
  args?: string[];
  ports?: { name: string; containerPort: number }[];
  livenessProbe?: { httpGet?: { path: string; port: string } };
  readinessProbe?: { httpGet?: { path: string; port: string } };
  volumeMounts?: { name: string; mountPath: string }[];
  securityContext?: Record<string, unknown>;
}

const deploymentOf = (objects: KubeObject[]) =>
  findOne(objects, 'Deployment') as unknown as KubeObject & PodTemplateHolder;
const rulesOf = (obj: KubeObject) => obj.rules as PolicyRule[];

test('helm lint --strict is clean with the default values and with every option on', async (t) => {
  for (const sets of [[], ['rbac.scope=namespaced', 'watchNamespaces={ml}', ...ALL_OPTIONS]]) {
    const args = ['lint', '--strict', CHART, ...sets.flatMap((s) => ['--set', s])];
    const result = await run(helmBinary(), args);
    t.is(result.code, 0, result.stdout + result.stderr);
    t.regex(result.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    t.notRegex(result.stdout, /\[(WARNING|ERROR)\]/);
  }
});

test('bad values are refused with a message naming the field and the reason', async (t) => {
  const cases: [string[], RegExp][] = [
    [['rbac.scope=everything'], /rbac\/scope.*one of 'cluster', 'namespaced'/],
    [['rbac.scope=namespaced'], /watchNamespaces: list at least one namespace when rbac.scope is namespaced/],
    [
      ['replicaCount=3', 'leaderElection.enabled=false'],
      /leaderElection.enabled: must be true when replicaCount is more than 1/,
    ],
    [['metrics.port=80'], /metrics\/port.*minimum/],
    [['health.port=8080'], /health.port: must differ from metrics.port/],
    [['replicas=2'], /additional properties 'replicas' not allowed/],
    [['watchNamespaces={Bad_Namespace}'], /watchNamespaces\/0.*does not match pattern/],
    [
      ['watchNamespaces={ml,ml-staging}'],
      /watchNamespaces: the operator watches one namespace or all of them/,
    ],
    [['image.digest=latest'], /image\/digest.*does not match pattern/],
    [['logLevel=verbose'], /logLevel.*one of/],
    [['metrics.serviceMonitor.interval=often'], /serviceMonitor\/interval.*does not match pattern/],
    [
      ['networkPolicy.enabled=true', 'networkPolicy.egress.enabled=true'],
      /networkPolicy.egress.apiServerCidrs: list the API server's addresses/,
    ],
  ];
  for (const [sets, message] of cases) {
    const result = await run(helmBinary(), ['template', 'bad', CHART, ...sets.flatMap((s) => ['--set', s])]);
    t.not(result.code, 0, `${sets.join(' ')} was accepted`);
    t.regex(result.stderr, message, `${sets.join(' ')}: ${result.stderr}`);
  }
});

test('the operator Deployment: leader election, probes, ports, image and a read-only root with /tmp', async (t) => {
  const objects = await helmTemplate('mr', 'ops');
  const deployment = deploymentOf(objects);
  t.is(deployment.metadata.name, 'mr-modelrollout');
  t.is((deployment.spec as unknown as { replicas: number }).replicas, 2);
  const pod = deployment.spec.template.spec;
  t.is(pod.serviceAccountName, 'mr-modelrollout');
  const [container] = pod.containers;
  const chart = parse(fs.readFileSync(path.join(CHART, 'Chart.yaml'), 'utf8')) as { appVersion: string };
  t.is((container as unknown as { image: string }).image, `modelrollout/operator:${chart.appVersion}`);
  t.deepEqual(container.args, [
    '--metrics-port=8080',
    '--health-port=8081',
    '--leader-elect',
    '--lease-name=mr-modelrollout-leader',
    '--lease-namespace=ops',
    '--log-level=info',
  ]);
  t.deepEqual(
    container.ports?.map((p) => [p.name, p.containerPort]),
    [
      ['metrics', 8080],
      ['health', 8081],
    ],
  );
  t.deepEqual(container.livenessProbe?.httpGet, { path: '/healthz', port: 'health' });
  t.deepEqual(container.readinessProbe?.httpGet, { path: '/readyz', port: 'health' });
  t.deepEqual(container.volumeMounts, [{ name: 'tmp', mountPath: '/tmp' }]);
  t.deepEqual(podSecurityProblems(pod as unknown as PodSpecLike), []);
  t.like(container.securityContext, { readOnlyRootFilesystem: true });
  t.like(pod.securityContext as object, { runAsUser: 65532 });

  const service = findOne(objects, 'Service') as KubeObject & {
    spec: { selector: object; ports: { name: string }[] };
  };
  t.deepEqual(
    service.spec.selector,
    (deployment.spec as unknown as { selector: { matchLabels: object } }).selector.matchLabels,
  );
  t.is(service.spec.ports[0].name, 'metrics');
  const annotations = (
    deployment.spec.template as unknown as { metadata: { annotations: Record<string, string> } }
  ).metadata.annotations;
  t.deepEqual(annotations, {
    'prometheus.io/scrape': 'true',
    'prometheus.io/port': '8080',
    'prometheus.io/path': '/metrics',
  });
});

test('watchNamespaces become the --namespace flag; leader election off drops its flags', async (t) => {
  const objects = await helmTemplate('mr', 'ops', [
    'watchNamespaces={ml}',
    'leaderElection.enabled=false',
    'replicaCount=1',
  ]);
  const [container] = deploymentOf(objects).spec.template.spec.containers;
  t.deepEqual(container.args, [
    '--namespace=ml',
    '--metrics-port=8080',
    '--health-port=8081',
    '--log-level=info',
  ]);
  t.false(objects.some((o) => o.kind === 'Role' && o.metadata.name.endsWith('-leader-election')));
  t.false(
    objects.some((o) => o.kind === 'PodDisruptionBudget'),
    'no PodDisruptionBudget for a single replica',
  );
});

test('cluster scope: one ClusterRole with exactly the operator rules, bound to its ServiceAccount', async (t) => {
  for (const gatewayApi of [false, true]) {
    const objects = await helmTemplate('mr', 'ops', [`gatewayApi.enabled=${gatewayApi}`]);
    t.deepEqual(rulesOf(findOne(objects, 'ClusterRole', 'mr-modelrollout')), workloadRules(gatewayApi));
    const binding = findOne(objects, 'ClusterRoleBinding', 'mr-modelrollout');
    t.like(binding, { roleRef: { kind: 'ClusterRole', name: 'mr-modelrollout' } });
    t.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'mr-modelrollout', namespace: 'ops' }]);
    t.false(objects.some((o) => o.kind === 'RoleBinding' && o.metadata.name === 'mr-modelrollout'));
    const leader = findOne(objects, 'Role', 'mr-modelrollout-leader-election');
    t.is(leader.metadata.namespace, 'ops');
    t.deepEqual(rulesOf(leader), leaderElectionRules('mr-modelrollout-leader'));
  }
});

test('namespaced scope: a Role and RoleBinding in the watched namespace and no operator ClusterRole', async (t) => {
  const objects = await helmTemplate('mr', 'ops', ['rbac.scope=namespaced', 'watchNamespaces={ml}']);
  for (const namespace of ['ml']) {
    const role = objects.find((o) => o.kind === 'Role' && o.metadata.namespace === namespace);
    t.truthy(role, `Role in ${namespace}`);
    t.deepEqual(rulesOf(role!), workloadRules(false));
    const binding = objects.find((o) => o.kind === 'RoleBinding' && o.metadata.namespace === namespace);
    t.like(binding, { roleRef: { kind: 'Role', name: 'mr-modelrollout' } });
    t.deepEqual(binding!.subjects, [{ kind: 'ServiceAccount', name: 'mr-modelrollout', namespace: 'ops' }]);
  }
  t.false(objects.some((o) => o.kind === 'ClusterRoleBinding'));
  // The only ClusterRoles left are those aggregated into the built-in roles for people.
  t.deepEqual(
    objects.filter((o) => o.kind === 'ClusterRole').map((o) => o.metadata.name),
    ['mr-modelrollout-edit', 'mr-modelrollout-view'],
  );
  const [container] = deploymentOf(objects).spec.template.spec.containers;
  t.true(container.args?.includes('--namespace=ml'));
});

test('no rule of any role uses a wildcard, whatever the options', async (t) => {
  for (const scope of [['rbac.scope=cluster'], ['rbac.scope=namespaced', 'watchNamespaces={a}']]) {
    const objects = await helmTemplate('mr', 'ops', [...scope, ...ALL_OPTIONS]);
    const roles = objects.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole');
    t.true(roles.length >= 3);
    for (const role of roles) {
      for (const rule of rulesOf(role)) {
        const words = [...rule.apiGroups, ...rule.resources, ...rule.verbs];
        t.false(
          words.some((w) => w.includes('*')),
          `${role.kind} ${role.metadata.name}: ${JSON.stringify(rule)}`,
        );
      }
    }
  }
});

test('the user ClusterRoles are aggregated into admin, edit and view', async (t) => {
  const objects = await helmTemplate('mr', 'ops');
  t.like(findOne(objects, 'ClusterRole', 'mr-modelrollout-edit').metadata.labels, {
    'rbac.authorization.k8s.io/aggregate-to-admin': 'true',
    'rbac.authorization.k8s.io/aggregate-to-edit': 'true',
  });
  const view = findOne(objects, 'ClusterRole', 'mr-modelrollout-view');
  t.like(view.metadata.labels, { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' });
  t.deepEqual(rulesOf(view)[0].verbs, ['get', 'list', 'watch']);
  const none = await helmTemplate('mr', 'ops', ['rbac.aggregateToDefaultRoles=false']);
  t.false(none.some((o) => o.metadata.name.endsWith('-edit') || o.metadata.name.endsWith('-view')));
});

test('the ServiceMonitor selects the metrics Service and keeps the operator labels', async (t) => {
  const objects = await helmTemplate('mr', 'ops', [
    'metrics.serviceMonitor.enabled=true',
    'metrics.serviceMonitor.labels.release=prom',
  ]);
  const monitor = findOne(objects, 'ServiceMonitor') as KubeObject & {
    spec: {
      selector: { matchLabels: Record<string, string> };
      namespaceSelector: { matchNames: string[] };
      endpoints: { port: string; path: string; honorLabels: boolean; interval: string }[];
    };
  };
  t.is(monitor.apiVersion, 'monitoring.coreos.com/v1');
  t.is(monitor.metadata.labels?.release, 'prom');
  const service = findOne(objects, 'Service') as KubeObject & { spec: { ports: { name: string }[] } };
  for (const [key, value] of Object.entries(monitor.spec.selector.matchLabels))
    t.is(service.metadata.labels?.[key], value);
  t.deepEqual(monitor.spec.namespaceSelector.matchNames, ['ops']);
  t.is(monitor.spec.endpoints.length, 1);
  t.like(monitor.spec.endpoints[0], {
    port: 'metrics',
    path: '/metrics',
    honorLabels: true,
    interval: '30s',
  });
  t.true(service.spec.ports.some((p) => p.name === monitor.spec.endpoints[0].port));
  t.false(
    (await helmTemplate('mr', 'ops')).some((o) => o.kind === 'ServiceMonitor' || o.kind === 'PrometheusRule'),
  );
});

test('the PrometheusRule holds the rules of manifests/prometheus/rules.yml, which promtool accepts', async (t) => {
  const objects = await helmTemplate('mr', 'ops', ['metrics.prometheusRule.enabled=true']);
  const rule = findOne(objects, 'PrometheusRule') as KubeObject & { spec: { groups: unknown[] } };
  t.is(rule.apiVersion, 'monitoring.coreos.com/v1');
  const source = parse(fs.readFileSync(path.join(MANIFESTS, 'prometheus/rules.yml'), 'utf8')) as {
    groups: unknown[];
  };
  t.deepEqual(rule.spec, { groups: source.groups });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prometheusrule-'));
  try {
    const file = path.join(dir, 'rules.yml');
    fs.writeFileSync(file, JSON.stringify(rule.spec));
    const out = await runOk('promtool', ['check', 'rules', file]);
    t.regex(out, /SUCCESS: 10 rules found/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('dashboard ConfigMaps carry the sidecar label and the dashboards of manifests/grafana', async (t) => {
  const objects = await helmTemplate('mr', 'ops', [
    'dashboards.enabled=true',
    'dashboards.namespace=grafana',
  ]);
  const configMaps = objects.filter((o) => o.kind === 'ConfigMap');
  const files = fs.readdirSync(path.join(MANIFESTS, 'grafana')).filter((f) => f.endsWith('.json'));
  t.is(configMaps.length, files.length);
  for (const file of files) {
    const configMap = configMaps.find((c) => (c.data as Record<string, string>)[file] !== undefined);
    t.truthy(configMap, file);
    t.is(configMap!.metadata.labels?.grafana_dashboard, '1');
    t.is(configMap!.metadata.namespace, 'grafana');
    const content = (configMap!.data as Record<string, string>)[file];
    t.deepEqual(
      JSON.parse(content),
      JSON.parse(fs.readFileSync(path.join(MANIFESTS, 'grafana', file), 'utf8')),
    );
  }
});

test('the NetworkPolicy admits only the metrics and health ports and, when asked, limits egress', async (t) => {
  const objects = await helmTemplate('mr', 'ops', ['networkPolicy.enabled=true'], {
    setJson: ['networkPolicy.metricsFrom=[{"namespaceSelector":{"matchLabels":{"name":"monitoring"}}}]'],
  });
  const policy = findOne(objects, 'NetworkPolicy') as KubeObject & {
    spec: { policyTypes: string[]; ingress: { ports: { port: string }[]; from?: unknown[] }[] };
  };
  t.deepEqual(policy.spec.policyTypes, ['Ingress']);
  t.deepEqual(
    policy.spec.ingress.map((rule) => rule.ports.map((p) => p.port)),
    [['metrics'], ['health']],
  );
  t.deepEqual(policy.spec.ingress[0].from, [{ namespaceSelector: { matchLabels: { name: 'monitoring' } } }]);

  const strict = await helmTemplate('mr', 'ops', ALL_OPTIONS);
  const egress = findOne(strict, 'NetworkPolicy').spec as {
    policyTypes: string[];
    egress: { to?: unknown[] }[];
  };
  t.deepEqual(egress.policyTypes, ['Ingress', 'Egress']);
  t.deepEqual(egress.egress[1].to, [{ ipBlock: { cidr: '10.0.0.1/32' } }]);
});
