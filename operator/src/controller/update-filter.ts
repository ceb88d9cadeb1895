/**
 * Which updates of a managed Deployment can matter to a pass. The deployment controller rewrites a
 * Deployment's status many times while its pods come and go (conditions, unavailable counts); a
 * pass only reads the spec (its generation), the metadata and the fields readiness is judged by
 * (reconcile/observe.ts). Enqueueing the owner on every other status write makes passes that
 * cannot decide anything new: with hundreds of ModelDeployments, a storm of them.
 */
import type { KubernetesObject, V1Deployment } from '@kubernetes/client-node';

/** The parts of a Deployment a pass can act on, as one comparable string. */
export function deploymentSignature(deployment: V1Deployment): string {
  const m = deployment.metadata ?? {};
  const s = deployment.status ?? {};
  return JSON.stringify([
    m.generation,
    m.labels,
    m.annotations,
    m.ownerReferences,
    m.deletionTimestamp,
    s.observedGeneration,
    s.replicas,
    s.updatedReplicas,
    s.readyReplicas,
    s.availableReplicas,
  ]);
}

/** Remembers each Deployment's signature and tells which updates changed it. */
export class DeploymentUpdateFilter {
  private readonly signatures = new Map<string, string>();

  /** Records `obj`; true unless it was seen before with the same signature. */
  changed(obj: KubernetesObject): boolean {
    const key = identity(obj);
    const signature = deploymentSignature(obj as V1Deployment);
    if (this.signatures.get(key) === signature) return false;
    this.signatures.set(key, signature);
    return true;
  }

  /** Drops what was recorded of a deleted Deployment. */
  forget(obj: KubernetesObject): void {
    this.signatures.delete(identity(obj));
  }
}

function identity(obj: KubernetesObject): string {
  return obj.metadata?.uid ?? `${obj.metadata?.namespace}/${obj.metadata?.name}`;
}
