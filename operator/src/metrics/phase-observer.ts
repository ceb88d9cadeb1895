import type { KubernetesObject } from '@kubernetes/client-node';
import type { ModelDeploymentStatus } from '../api/types.js';
import type { ModelDeploymentObserver } from '../controller/watches.js';
import type { OperatorMetrics } from './types.js';

const keyOf = (obj: KubernetesObject) => `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;

/**
 * Derives phase, transition, promotion and rollback metrics from the ModelDeployments' status as
 * the informer sees it, so the reconciler needs no metric calls. Counters only count on the
 * leader (`counting`), so replicas summed in Prometheus do not double count; the phase gauge is
 * kept on every replica. A first sighting (operator start) sets the gauge without counting.
 */
export class PhaseMetricsObserver implements ModelDeploymentObserver {
  private readonly phases = new Map<string, string>();

  constructor(
    private readonly metrics: OperatorMetrics,
    private readonly counting: () => boolean,
  ) {}

  observe(obj: KubernetesObject): void {
    const status = (obj as { status?: ModelDeploymentStatus }).status;
    const phase = status?.phase;
    if (!phase) return;
    const key = keyOf(obj);
    const previous = this.phases.get(key);
    this.phases.set(key, phase);
    if (previous === phase) return;
    if (previous === undefined || !this.counting()) {
      this.metrics.recordPhase(key, phase);
      return;
    }
    this.metrics.recordTransition(key, previous, phase);
    if (phase === 'Succeeded') this.metrics.recordPromotion(key);
    if (phase === 'RollingBack') this.metrics.recordRollback(key, status?.rollbackReason ?? 'Unknown');
  }

  deleted(obj: KubernetesObject): void {
    const key = keyOf(obj);
    this.phases.delete(key);
    this.metrics.forget(key);
  }
}
