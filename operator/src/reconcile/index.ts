/**
 * Construction of the ModelDeployment reconciler for the composition root:
 * `createModelDeploymentReconciler({ kubeConfig, analyzer, routers, clock, log })`.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Analyzer } from '../analysis/types.js';
import type { TrafficRouterFactory } from '../traffic/factory.js';
import { KubeEventRecorder } from './events.js';
import { ClientNodeKube } from './kube-client.js';
import { reuseConnections } from './keep-alive.js';
import { ModelDeploymentReconciler, type ReconcileLog } from './reconciler.js';

export { ModelDeploymentReconciler, parseKey, type ReconcileLog, type ReconcilerDeps } from './reconciler.js';
export { ClientNodeKube } from './kube-client.js';
export { reuseConnections } from './keep-alive.js';
export { ConflictError, type KubeAccess, type ObjectRef } from './kube.js';
export { KubeEventRecorder, type EventRecorder } from './events.js';
export { StatusConflictError } from './status-writer.js';

export interface ModelDeploymentReconcilerOptions {
  kubeConfig: KubeConfig;
  analyzer: Analyzer;
  routers: TrafficRouterFactory;
  clock?: { now(): number };
  log?: ReconcileLog;
}

/**
 * The reconciler wired to the API server of `kubeConfig`. Also turns on connection reuse for
 * every client made from that KubeConfig (see keep-alive.ts).
 */
export function createModelDeploymentReconciler(
  options: ModelDeploymentReconcilerOptions,
): ModelDeploymentReconciler {
  const kube = new ClientNodeKube(reuseConnections(options.kubeConfig));
  const clock = options.clock ?? { now: () => Date.now() };
  const log = options.log;
  const events = new KubeEventRecorder(kube, clock, (message, err) =>
    log?.warn({ err: (err as Error)?.message ?? String(err) }, message),
  );
  return new ModelDeploymentReconciler({
    kube,
    analyzer: options.analyzer,
    routers: options.routers,
    events,
    clock,
    log,
  });
}
