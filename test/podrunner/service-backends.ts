/** Which pods serve a Service port: kube-proxy's view of the ready endpoints. Pure. */
import type { V1Pod, V1Service, V1ServicePort } from '@kubernetes/client-node';
import type { Backend } from './tcp-proxy.js';

/** True when the pod has an address, is not being deleted and its Ready condition is True. */
export function isReadyEndpoint(pod: V1Pod): boolean {
  return (
    !pod.metadata?.deletionTimestamp &&
    Boolean(pod.status?.podIP) &&
    Boolean(pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
  );
}

/**
 * Ready pods of the Service's namespace matching its selector, with the target port resolved
 * (a number, a container port name, or the Service port itself). A Service without a selector
 * has no backends here (EndpointSlices cannot hold loopback addresses).
 */
export function serviceBackends(service: V1Service, port: V1ServicePort, pods: readonly V1Pod[]): Backend[] {
  const selector = service.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return [];
  const namespace = service.metadata?.namespace;
  const backends: { name: string; backend: Backend }[] = [];
  for (const pod of pods) {
    if (pod.metadata?.namespace !== namespace || !isReadyEndpoint(pod)) continue;
    const labels = pod.metadata?.labels ?? {};
    if (!Object.entries(selector).every(([key, value]) => labels[key] === value)) continue;
    const target = targetPort(port, pod);
    if (target !== undefined)
      backends.push({ name: pod.metadata!.name!, backend: { host: pod.status!.podIP!, port: target } });
  }
  return backends.sort((a, b) => a.name.localeCompare(b.name)).map((b) => b.backend);
}

function targetPort(port: V1ServicePort, pod: V1Pod): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number' || /^\d+$/.test(String(target))) return Number(target);
  for (const container of pod.spec?.containers ?? []) {
    const named = container.ports?.find((p) => p.name === target);
    if (named) return named.containerPort;
  }
  return undefined;
}
