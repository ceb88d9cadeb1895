/**
 * What the operator must be allowed to do, and a sample of what it must not: the specification the
 * chart's RBAC is tested against (rendered rules and `kubectl auth can-i`).
 */

/** One RBAC policy rule. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

const CRUD = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

/** Rules in every watched namespace (ClusterRole in cluster scope, Role per namespace otherwise). */
export function workloadRules(gatewayApi: boolean): PolicyRule[] {
  return [
    {
      apiGroups: ['modelrollout.io'],
      resources: ['modeldeployments'],
      verbs: ['get', 'list', 'watch', 'update', 'patch'],
    },
    { apiGroups: ['modelrollout.io'], resources: ['modeldeployments/status'], verbs: ['update', 'patch'] },
    { apiGroups: ['modelrollout.io'], resources: ['modeldeployments/finalizers'], verbs: ['update'] },
    { apiGroups: ['apps'], resources: ['deployments'], verbs: CRUD },
    { apiGroups: [''], resources: ['services', 'configmaps', 'serviceaccounts'], verbs: CRUD },
    { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: CRUD },
    ...(gatewayApi
      ? [{ apiGroups: ['gateway.networking.k8s.io'], resources: ['httproutes'], verbs: CRUD }]
      : []),
    { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
    { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
  ];
}

/** Rules in the release namespace for the leader Lease. */
export function leaderElectionRules(leaseName: string): PolicyRule[] {
  return [
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
    {
      apiGroups: ['coordination.k8s.io'],
      resources: ['leases'],
      resourceNames: [leaseName],
      verbs: ['get', 'update'],
    },
  ];
}

/** A `kubectl auth can-i` question: verb, resource (with group), optional subresource and name. */
export interface Access {
  verb: string;
  resource: string;
  subresource?: string;
  name?: string;
}

/** What the operator does in a watched namespace. */
export function neededInWatchedNamespace(gatewayApi: boolean): Access[] {
  const crud = (resource: string) => CRUD.map((verb) => ({ verb, resource }));
  return [
    ...['get', 'list', 'watch', 'update', 'patch'].map((verb) => ({
      verb,
      resource: 'modeldeployments.modelrollout.io',
    })),
    { verb: 'update', resource: 'modeldeployments.modelrollout.io', subresource: 'status' },
    { verb: 'patch', resource: 'modeldeployments.modelrollout.io', subresource: 'status' },
    { verb: 'update', resource: 'modeldeployments.modelrollout.io', subresource: 'finalizers' },
    ...crud('deployments.apps'),
    ...crud('services'),
    ...crud('configmaps'),
    ...crud('serviceaccounts'),
    ...crud('roles.rbac.authorization.k8s.io'),
    ...crud('rolebindings.rbac.authorization.k8s.io'),
    ...(gatewayApi ? crud('httproutes.gateway.networking.k8s.io') : []),
    { verb: 'create', resource: 'events' },
    { verb: 'patch', resource: 'events' },
    { verb: 'create', resource: 'events.events.k8s.io' },
  ];
}

/** What the operator does in its own namespace for leader election. */
export function neededForLeaderElection(leaseName: string): Access[] {
  return [
    { verb: 'create', resource: 'leases.coordination.k8s.io' },
    { verb: 'get', resource: 'leases.coordination.k8s.io', name: leaseName },
    { verb: 'update', resource: 'leases.coordination.k8s.io', name: leaseName },
  ];
}

/** A sample of what the operator must never be able to do in a watched namespace. */
export function forbiddenInWatchedNamespace(gatewayApi: boolean): Access[] {
  return [
    { verb: 'get', resource: 'secrets' },
    { verb: 'list', resource: 'secrets' },
    { verb: 'watch', resource: 'secrets' },
    { verb: 'create', resource: 'pods', subresource: 'exec' },
    { verb: 'create', resource: 'pods' },
    { verb: 'get', resource: 'pods', subresource: 'log' },
    { verb: '*', resource: '*' },
    { verb: 'create', resource: 'modeldeployments.modelrollout.io' },
    { verb: 'delete', resource: 'modeldeployments.modelrollout.io' },
    { verb: 'deletecollection', resource: 'deployments.apps' },
    { verb: 'escalate', resource: 'roles.rbac.authorization.k8s.io' },
    { verb: 'bind', resource: 'roles.rbac.authorization.k8s.io' },
    { verb: 'impersonate', resource: 'serviceaccounts' },
    { verb: 'create', resource: 'serviceaccounts', subresource: 'token' },
    { verb: 'update', resource: 'leases.coordination.k8s.io', name: 'some-other-lease' },
    { verb: 'create', resource: 'statefulsets.apps' },
    ...(gatewayApi ? [] : [{ verb: 'create', resource: 'httproutes.gateway.networking.k8s.io' }]),
  ];
}

/** A sample of cluster-scoped actions the operator must never be able to do. */
export const FORBIDDEN_CLUSTER_WIDE: Access[] = [
  { verb: '*', resource: '*' },
  { verb: 'create', resource: 'clusterroles.rbac.authorization.k8s.io' },
  { verb: 'create', resource: 'clusterrolebindings.rbac.authorization.k8s.io' },
  { verb: 'delete', resource: 'namespaces' },
  { verb: 'get', resource: 'nodes' },
  { verb: 'update', resource: 'customresourcedefinitions.apiextensions.k8s.io' },
  { verb: 'list', resource: 'secrets' },
];

/** `kubectl auth can-i` arguments for `access` in `namespace` (cluster scope when undefined). */
export function canIArgs(access: Access, namespace?: string): string[] {
  const args = [
    'auth',
    'can-i',
    access.verb,
    access.name ? `${access.resource}/${access.name}` : access.resource,
  ];
  if (access.subresource) args.push(`--subresource=${access.subresource}`);
  args.push(namespace ? `--namespace=${namespace}` : '--all-namespaces');
  return args;
}

export function describeAccess(access: Access, namespace?: string): string {
  const target = `${access.resource}${access.subresource ? `/${access.subresource}` : ''}${access.name ? ` ${access.name}` : ''}`;
  return `${access.verb} ${target} ${namespace ? `in ${namespace}` : 'cluster-wide'}`;
}
