/** What the reconciler observes of the model Deployments (pure: works on objects already read). */
import type { V1Deployment } from '@kubernetes/client-node';
import { FINGERPRINT_ANNOTATION } from '../api/group.js';
import type { WorkloadObservation } from '../rollout/types.js';

/**
 * Readiness of a Deployment the way `kubectl rollout status` judges it: the controller has seen
 * the latest spec, every desired replica runs the current template and is available, and no
 * replica of an older template is left.
 */
export function observeWorkload(deployment: V1Deployment | null): WorkloadObservation {
  if (!deployment) return { fingerprint: null, readyReplicas: 0, ready: false };
  const desired = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  const readyReplicas = status.readyReplicas ?? 0;
  const ready =
    (status.observedGeneration ?? 0) >= (deployment.metadata?.generation ?? 0) &&
    (status.updatedReplicas ?? 0) >= desired &&
    (status.replicas ?? 0) <= (status.updatedReplicas ?? 0) &&
    (status.availableReplicas ?? 0) >= desired &&
    readyReplicas >= desired;
  const fingerprint = deployment.spec?.template?.metadata?.annotations?.[FINGERPRINT_ANNOTATION] ?? '';
  return { fingerprint, readyReplicas, ready };
}
