import { PatchStrategy, type KubernetesObject, type KubernetesObjectApi } from '@kubernetes/client-node';
/** Label every object the operator manages carries; the controller watches children by it. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
/** Value of MANAGED_BY_LABEL on the operator's objects. */
export const MANAGED_BY_VALUE = 'modelrollout';

/** Field manager of the routing objects in server-side apply. */
export const TRAFFIC_FIELD_MANAGER = 'modelrollout-traffic';

/** Labels of a routing object owned by ModelDeployment `name`. */
export function routingLabels(name: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/component': 'routing',
    [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
  };
}

/** In-cluster base URL of a backend Service, e.g. `http://house-price-master.ml.svc:8080`. */
export function serviceUrl(service: string, namespace: string, port: number): string {
  return `http://${service}.${namespace}.svc:${port}`;
}

/** True for the client-node ApiException of a missing object. */
export function isNotFound(err: unknown): boolean {
  return (err as { code?: number })?.code === 404;
}

/** Server-side applies `obj` as `fieldManager`, taking over fields other managers hold. */
export async function serverSideApply(
  objects: KubernetesObjectApi,
  obj: KubernetesObject,
  fieldManager: string,
): Promise<void> {
  await objects.patch(obj, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply);
}
