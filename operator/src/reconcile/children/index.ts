/** The children a decision asks for, and the ones it asks to remove (pure). */
import type { KubernetesObject } from '@kubernetes/client-node';
import { childNames } from '../../api/names.js';
import type { RolloutDecision } from '../../rollout/types.js';
import type { TrafficState } from '../../traffic/types.js';
import type { ReconcileContext } from '../context.js';
import type { ObjectRef } from '../kube.js';
import { HTTP_PORT } from './common.js';
import { modelDeployment, modelService } from './model-workload.js';
import { routerObjects } from './router.js';

/** Objects to server-side apply this pass. */
export function desiredChildren(ctx: ReconcileContext, decision: RolloutDecision): KubernetesObject[] {
  const { scope, spec } = ctx;
  const store = spec.predictionStore;
  const objects: KubernetesObject[] = [
    modelDeployment(scope, 'master', decision.master, store),
    modelService(scope, 'master'),
  ];
  if (decision.candidate) {
    objects.push(
      modelDeployment(scope, 'candidate', decision.candidate, store),
      modelService(scope, 'candidate'),
    );
  }
  if (spec.traffic.provider === 'router')
    objects.push(...routerObjects(scope, spec.router, decision.master.image));
  return objects;
}

/** Objects that exist but must not: the candidate after a rollout, router objects of another provider. */
export function unwantedChildren(ctx: ReconcileContext, decision: RolloutDecision): ObjectRef[] {
  const { namespace, name } = ctx.scope;
  const names = childNames(name);
  const refs: ObjectRef[] = [];
  const ref = (apiVersion: string, kind: string, objectName: string) =>
    refs.push({ apiVersion, kind, namespace, name: objectName });
  if (!decision.candidate && ctx.candidate.fingerprint !== null) {
    ref('v1', 'Service', names.candidate);
    ref('apps/v1', 'Deployment', names.candidate);
  }
  if (ctx.spec.traffic.provider !== 'router' && ctx.routerExists) {
    ref('v1', 'Service', names.router);
    ref('apps/v1', 'Deployment', names.router);
    ref('rbac.authorization.k8s.io/v1', 'RoleBinding', names.routerServiceAccount);
    ref('rbac.authorization.k8s.io/v1', 'Role', names.routerServiceAccount);
    ref('v1', 'ServiceAccount', names.routerServiceAccount);
  }
  return refs;
}

/** The traffic split for the TrafficRouter. */
export function trafficState(ctx: ReconcileContext, decision: RolloutDecision): TrafficState {
  const names = childNames(ctx.scope.name);
  return {
    namespace: ctx.scope.namespace,
    name: ctx.scope.name,
    owner: ctx.scope.owner,
    master: { service: names.master, port: HTTP_PORT, version: decision.master.version },
    candidate: decision.candidate
      ? { service: names.candidate, port: HTTP_PORT, version: decision.candidate.version }
      : null,
    canaryWeight: decision.traffic.canaryWeight,
    mirrorPercent: decision.traffic.mirrorPercent,
    ...(ctx.spec.traffic.gateway ? { gateway: ctx.spec.traffic.gateway } : {}),
  };
}
