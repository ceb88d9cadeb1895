/**
 * Prometheus file_sd targets of the pods that ask to be scraped (annotation
 * `prometheus.io/scrape: "true"`, port `prometheus.io/port` or the first containerPort, path
 * `prometheus.io/path`), with labels naming the pod. Pure.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { ScrapeTarget } from '../cluster/prometheus.js';

/** Pod label naming the ModelDeployment a pod belongs to. */
export const NAME_LABEL = 'app.kubernetes.io/name';
/** Pod label naming the variant (master, candidate) a pod serves. */
export const VARIANT_LABEL = 'modelrollout.io/variant';

export function scrapeTargets(pods: readonly V1Pod[]): ScrapeTarget[] {
  const targets: ScrapeTarget[] = [];
  for (const pod of pods) {
    const annotations = pod.metadata?.annotations ?? {};
    if (annotations['prometheus.io/scrape'] !== 'true') continue;
    if (pod.status?.phase !== 'Running' || !pod.status.podIP || pod.metadata?.deletionTimestamp) continue;
    const port = annotations['prometheus.io/port'] ?? pod.spec?.containers[0]?.ports?.[0]?.containerPort;
    if (port === undefined) continue;
    const podLabels = pod.metadata?.labels ?? {};
    const labels: Record<string, string> = {
      namespace: pod.metadata!.namespace!,
      pod: pod.metadata!.name!,
    };
    if (podLabels[NAME_LABEL]) {
      labels.modeldeployment = podLabels[NAME_LABEL];
      labels.app_kubernetes_io_name = podLabels[NAME_LABEL];
    }
    if (podLabels[VARIANT_LABEL]) labels.variant = podLabels[VARIANT_LABEL];
    if (annotations['prometheus.io/path']) labels.__metrics_path__ = annotations['prometheus.io/path'];
    targets.push({ address: `${pod.status.podIP}:${port}`, labels });
  }
  return targets.sort((a, b) => a.address.localeCompare(b.address));
}
