/**
 * Everything one reconcile pass reads before it decides, gathered in one place (after Argo
 * Rollouts' rolloutContext): the object, its resolved spec, the clock reading and the children.
 */
import type { ResolvedSpec } from '../api/defaults.js';
import { childNames } from '../api/names.js';
import type { ModelDeployment } from '../api/types.js';
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
}

/** Reads the children of `md` and builds the pass's context. */
export async function readContext(
  kube: KubeAccess,
  md: ModelDeployment,
  spec: ResolvedSpec,
  now: number,
): Promise<ReconcileContext> {
  const { namespace, name } = md.metadata;
  const names = childNames(name);
  const [master, candidate, router] = await Promise.all([
    kube.getDeployment(namespace, names.master),
    kube.getDeployment(namespace, names.candidate),
    kube.getDeployment(namespace, names.router),
  ]);
  return {
    md,
    spec,
    scope: scopeOf(md),
    now,
    master: observeWorkload(master),
    candidate: observeWorkload(candidate),
    routerExists: router !== null,
  };
}
