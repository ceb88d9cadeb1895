/**
 * The router (`model-server router`): Deployment and Service `<name>` — the address clients call —
 * plus a ServiceAccount whose Role may only read the `<name>-routes` ConfigMap.
 */
import type {
  KubernetesObject,
  V1Deployment,
  V1Role,
  V1RoleBinding,
  V1Service,
  V1ServiceAccount,
} from '@kubernetes/client-node';
import type { ResolvedSpec } from '../../api/defaults.js';
import { LABELS } from '../../api/group.js';
import { childNames } from '../../api/names.js';
import {
  SHUTDOWN_DELAY_MS,
  childLabels,
  HTTP_PORT,
  POD_SECURITY,
  SCRAPE_ANNOTATIONS,
  serverContainer,
  type ChildScope,
} from './common.js';

function meta(scope: ChildScope, name: string) {
  return {
    name,
    namespace: scope.namespace,
    labels: childLabels(scope, 'router'),
    ownerReferences: [scope.owner],
  };
}

export function routerSelector(scope: ChildScope): Record<string, string> {
  return { [LABELS.name]: scope.name, [LABELS.component]: 'router' };
}

/** The router Deployment; its image defaults to master's model-server image. */
export function routerDeployment(
  scope: ChildScope,
  router: ResolvedSpec['router'],
  masterImage: string,
): V1Deployment {
  const names = childNames(scope.name);
  const container = serverContainer(router.image ?? masterImage, 'router');
  container.env = [
    { name: 'PORT', value: String(HTTP_PORT) },
    { name: 'ROUTES_CONFIGMAP', value: names.routesConfigMap },
    { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    { name: 'MODEL_NAME', value: scope.name },
    { name: 'SHUTDOWN_DELAY_MS', value: String(SHUTDOWN_DELAY_MS) },
  ];
  if (router.resources) container.resources = router.resources as typeof container.resources;
  const labels = { ...childLabels(scope, 'router'), ...routerSelector(scope) };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(scope, names.router),
    spec: {
      replicas: router.replicas,
      selector: { matchLabels: routerSelector(scope) },
      revisionHistoryLimit: 3,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels, annotations: { ...SCRAPE_ANNOTATIONS } },
        spec: {
          serviceAccountName: names.routerServiceAccount,
          securityContext: POD_SECURITY,
          containers: [container],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

/** The stable Service clients call (port 80). */
export function routerService(scope: ChildScope): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(scope, childNames(scope.name).router),
    spec: {
      selector: routerSelector(scope),
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

/** ServiceAccount, Role and RoleBinding: get/list/watch of the routes ConfigMap only. */
export function routerAccess(scope: ChildScope): [V1ServiceAccount, V1Role, V1RoleBinding] {
  const names = childNames(scope.name);
  const account = names.routerServiceAccount;
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: meta(scope, account),
      automountServiceAccountToken: true,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(scope, account),
      rules: [
        {
          apiGroups: [''],
          resources: ['configmaps'],
          resourceNames: [names.routesConfigMap],
          verbs: ['get', 'list', 'watch'],
        },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(scope, account),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: account },
      subjects: [{ kind: 'ServiceAccount', name: account, namespace: scope.namespace }],
    },
  ];
}

/** Every router object, in apply order. */
export function routerObjects(
  scope: ChildScope,
  router: ResolvedSpec['router'],
  masterImage: string,
): KubernetesObject[] {
  return [...routerAccess(scope), routerDeployment(scope, router, masterImage), routerService(scope)];
}
