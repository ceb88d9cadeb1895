import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  RbacAuthorizationV1Api,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type ListPromise,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { GROUP, KIND, PLURAL, VERSION } from '../api/group.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../traffic/labels.js';
import { ResilientInformer, type InformerEvent } from './resilient-informer.js';
import { DeploymentUpdateFilter } from './update-filter.js';
import type { CachedObjectRef, ObjectCache } from './types.js';

/** Label selector of every child object the operator manages. */
export const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;

/** `namespace/name` of an object. */
export function keyOf(obj: KubernetesObject): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

/** Key of the ModelDeployment owning `obj`, if any. */
export function ownerKeyOf(obj: KubernetesObject): string | undefined {
  const owner = obj.metadata?.ownerReferences?.find(
    (o) => o.kind === KIND && o.apiVersion.split('/')[0] === GROUP,
  );
  return owner ? `${obj.metadata?.namespace ?? ''}/${owner.name}` : undefined;
}

/** Where to watch and what to do with changes. */
export interface WatchOptions {
  /** One namespace, or all namespaces when undefined. */
  namespace?: string;
  /** Receives the key of every ModelDeployment that may need a reconcile. */
  enqueue: (key: string) => void;
  logger: Logger;
  onRestart?: (resource: string) => void;
  /** Sees every ModelDeployment the informer receives (e.g. to export phase metrics). */
  modelDeploymentObserver?: ModelDeploymentObserver;
}

/** Watches ModelDeployments as they change; must be cheap and must not throw. */
export interface ModelDeploymentObserver {
  /** A ModelDeployment was added or updated. */
  observe(obj: KubernetesObject): void;
  /** A ModelDeployment was deleted. */
  deleted(obj: KubernetesObject): void;
}

/** The informers the operator runs; `modelDeployments` also serves the periodic resync. */
export interface Watches {
  modelDeployments: ResilientInformer<KubernetesObject>;
  all: ResilientInformer<KubernetesObject>[];
  /** The caches of the managed children, by kind. */
  children: ObjectCache;
}

/** Informer caches by `apiVersion/kind`; kinds without an informer, or out of sync, are unknown. */
export class InformerCache implements ObjectCache {
  constructor(private readonly informers: ReadonlyMap<string, ResilientInformer<KubernetesObject>>) {}

  get(ref: CachedObjectRef): KubernetesObject | null | undefined {
    const informer = this.informers.get(`${ref.apiVersion}/${ref.kind}`);
    if (!informer?.watching) return undefined;
    return informer.get(ref.name, ref.namespace) ?? null;
  }
}

/**
 * Informers for ModelDeployments (enqueue their own key) and for every kind of child labelled as
 * managed by the operator (enqueue their owner's key; their caches let a pass see without a
 * request whether a child still holds what it would apply): Deployments, Services, ConfigMaps,
 * ServiceAccounts, Roles and RoleBindings.
 */
export function createWatches(kc: KubeConfig, options: WatchOptions): Watches {
  const ns = options.namespace;
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  const scoped = (prefix: string, plural: string) =>
    ns ? `${prefix}/namespaces/${ns}/${plural}` : `${prefix}/${plural}`;
  const labelSelector = MANAGED_SELECTOR;
  const asList = <T>(p: Promise<T>) => p as unknown as Promise<KubernetesListObject<KubernetesObject>>;

  const observer = options.modelDeploymentObserver;
  /** Whether a child's event can matter to its owner's pass (true unless `relevant` says otherwise). */
  type Relevance = (obj: KubernetesObject, event: InformerEvent) => boolean;
  const informer = (
    resource: string,
    path: string,
    list: ListPromise<KubernetesObject>,
    owned: boolean,
    relevant: Relevance = () => true,
  ) =>
    new ResilientInformer<KubernetesObject>(kc, {
      resource,
      path,
      list,
      labelSelector: owned ? labelSelector : undefined,
      logger: options.logger,
      onRestart: () => options.onRestart?.(resource),
      onChange: (obj, event) => {
        const key = owned ? ownerKeyOf(obj) : keyOf(obj);
        if (key && relevant(obj, event)) options.enqueue(key);
        if (!owned && observer) observer.observe(obj);
      },
      onDelete: !owned && observer ? (obj) => observer.deleted(obj) : undefined,
    });
  const deploymentUpdates = new DeploymentUpdateFilter();
  const deploymentRelevance: Relevance = (obj, event) => {
    if (event === 'delete') {
      deploymentUpdates.forget(obj);
      return true;
    }
    return deploymentUpdates.changed(obj) || event === 'add';
  };

  const modelDeployments = informer(
    PLURAL,
    scoped(`/apis/${GROUP}/${VERSION}`, PLURAL),
    () =>
      asList(
        ns
          ? custom.listNamespacedCustomObject({
              group: GROUP,
              version: VERSION,
              namespace: ns,
              plural: PLURAL,
            })
          : custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL }),
      ),
    false,
  );
  const deployments = informer(
    'deployments',
    scoped('/apis/apps/v1', 'deployments'),
    () =>
      asList(
        ns
          ? apps.listNamespacedDeployment({ namespace: ns, labelSelector })
          : apps.listDeploymentForAllNamespaces({ labelSelector }),
      ),
    true,
    deploymentRelevance,
  );
  const services = informer(
    'services',
    scoped('/api/v1', 'services'),
    () =>
      asList(
        ns
          ? core.listNamespacedService({ namespace: ns, labelSelector })
          : core.listServiceForAllNamespaces({ labelSelector }),
      ),
    true,
  );
  const configMaps = informer(
    'configmaps',
    scoped('/api/v1', 'configmaps'),
    () =>
      asList(
        ns
          ? core.listNamespacedConfigMap({ namespace: ns, labelSelector })
          : core.listConfigMapForAllNamespaces({ labelSelector }),
      ),
    true,
  );
  const serviceAccounts = informer(
    'serviceaccounts',
    scoped('/api/v1', 'serviceaccounts'),
    () =>
      asList(
        ns
          ? core.listNamespacedServiceAccount({ namespace: ns, labelSelector })
          : core.listServiceAccountForAllNamespaces({ labelSelector }),
      ),
    true,
  );
  const roles = informer(
    'roles',
    scoped('/apis/rbac.authorization.k8s.io/v1', 'roles'),
    () =>
      asList(
        ns
          ? rbac.listNamespacedRole({ namespace: ns, labelSelector })
          : rbac.listRoleForAllNamespaces({ labelSelector }),
      ),
    true,
  );
  const roleBindings = informer(
    'rolebindings',
    scoped('/apis/rbac.authorization.k8s.io/v1', 'rolebindings'),
    () =>
      asList(
        ns
          ? rbac.listNamespacedRoleBinding({ namespace: ns, labelSelector })
          : rbac.listRoleBindingForAllNamespaces({ labelSelector }),
      ),
    true,
  );
  const children = new InformerCache(
    new Map([
      ['apps/v1/Deployment', deployments],
      ['v1/Service', services],
      ['v1/ConfigMap', configMaps],
      ['v1/ServiceAccount', serviceAccounts],
      ['rbac.authorization.k8s.io/v1/Role', roles],
      ['rbac.authorization.k8s.io/v1/RoleBinding', roleBindings],
    ]),
  );
  return {
    modelDeployments,
    all: [modelDeployments, deployments, services, configMaps, serviceAccounts, roles, roleBindings],
    children,
  };
}
