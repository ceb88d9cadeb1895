/** The finalizer: before a ModelDeployment goes away, all traffic goes back to master. */
import { FINALIZER } from '../api/group.js';
import { childNames } from '../api/names.js';
import type { ModelDeployment } from '../api/types.js';
import type { TrafficRouterFactory } from '../traffic/factory.js';
import { HTTP_PORT, ownerReference } from './children/common.js';
import type { KubeAccess } from './kube.js';

/** `md` carrying the finalizer (added, guarded by resourceVersion, when missing). */
export async function ensureFinalizer(kube: KubeAccess, md: ModelDeployment): Promise<ModelDeployment> {
  const finalizers = md.metadata.finalizers ?? [];
  if (finalizers.includes(FINALIZER)) return md;
  return kube.setFinalizers(md, [...finalizers, FINALIZER]);
}

/**
 * Restores all traffic to master through the ModelDeployment's traffic provider, then removes
 * the finalizer so that deletion (and garbage collection of the children) proceeds.
 */
export async function finalize(
  kube: KubeAccess,
  routers: TrafficRouterFactory,
  md: ModelDeployment,
): Promise<void> {
  const finalizers = md.metadata.finalizers ?? [];
  if (!finalizers.includes(FINALIZER)) return;
  const master = md.status?.master;
  if (master) {
    const { name, namespace } = md.metadata;
    await routers(md.spec?.traffic?.provider ?? 'router').apply({
      namespace,
      name,
      owner: ownerReference(md),
      master: { service: childNames(name).master, port: HTTP_PORT, version: master.version },
      candidate: null,
      canaryWeight: 0,
      mirrorPercent: 0,
      ...(md.spec?.traffic?.gateway ? { gateway: md.spec.traffic.gateway } : {}),
    });
  }
  await kube.setFinalizers(
    md,
    finalizers.filter((f) => f !== FINALIZER),
  );
}
