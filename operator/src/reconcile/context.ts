/**
 * Everything one reconcile pass reads before it decides, gathered in one place (after Argo
 * Rollouts' rolloutContext): the object, its resolved spec, the clock reading and the children.
 */
import type { V1Deployment } from '@kubernetes/client-node';
import type { ResolvedSpec } from '../api/defaults.js';
import { childNames } from '../api/names.js';
import type { ModelDeployment } from '../api/types.js';
import type { ObjectCache } from '../controller/types.js';
import type { WorkloadObservation } from '../rollout/types.js';
import { scopeOf, type ChildScope } from './children/common.js';
import type { KubeAccess } from './kube.js';
import { observeWorkload } from './observe.js';

export interface ReconcileContext {
  /** The ModelDeployment as read, carrying the finalizer. */
  md: ModelDeployment;
  spec: ResolvedSpec;
  scope: ChildScope;
  /** Clock reading of this pass (ms since the epoch); every decision of the pass uses it. */
  now: number;
  master: WorkloadObservation;
  candidate: WorkloadObservation;
  /** Whether the router Deployment exists (it must not when the provider is not `router`). */
  routerExists: boolean;
  /** The master, candidate and router Deployments as read this pass (null: missing), by name. */
  deployments: ReadonlyMap<string, V1Deployment | null>;
}

/**
 * The master, candidate and router Deployments of ModelDeployment `name`, by name. Master and
 * candidate are read from the API server: their readiness drives the rollout, and the cache may
 * not have seen the previous pass's writes yet. The router Deployment, which only has to hold
 * what is applied, is taken from the cache when it knows it.
 */
export async function readDeployments(
  kube: KubeAccess,
  namespace: string,
  name: string,
  cache?: ObjectCache,
): Promise<Map<string, V1Deployment | null>> {
  const names = childNames(name);
  const cachedRouter = cache?.get({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace,
    name: names.router,
  });
  const [master, candidate, router] = await Promise.all([
    kube.getDeployment(namespace, names.master),
    kube.getDeployment(namespace, names.candidate),
    cachedRouter === undefined
      ? kube.getDeployment(namespace, names.router)
      : (cachedRouter as V1Deployment | null),
  ]);
  return new Map([
    [names.master, master],
    [names.candidate, candidate],
    [names.router, router],
  ]);
}

/** The pass's context for `md`, from its Deployments as read by readDeployments (pure). */
export function contextOf(
  md: ModelDeployment,
  spec: ResolvedSpec,
  now: number,
  deployments: ReadonlyMap<string, V1Deployment | null>,
): ReconcileContext {
  const names = childNames(md.metadata.name);
  return {
    md,
    spec,
    scope: scopeOf(md),
    now,
    master: observeWorkload(deployments.get(names.master) ?? null),
    candidate: observeWorkload(deployments.get(names.candidate) ?? null),
    routerExists: (deployments.get(names.router) ?? null) !== null,
    deployments,
  };
}
