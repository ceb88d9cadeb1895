import { PatchStrategy, type KubernetesObject, type KubernetesObjectApi } from '@kubernetes/client-node';
import { appliedState, withAppliedHash } from '../reconcile/applied-state.js';

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

/**
 * Server-side applies `obj` as `fieldManager`, taking over fields other managers hold — unless
 * the live object already holds it (see reconcile/applied-state.ts), in which case nothing is
 * written. `observed` is the live object when the caller has it (null: known to be missing), e.g.
 * from an informer cache; when undefined it is read. Resolves true when it wrote.
 */
export async function serverSideApply(
  objects: KubernetesObjectApi,
  obj: KubernetesObject,
  fieldManager: string,
  observed?: KubernetesObject | null,
): Promise<boolean> {
  const manifest = withAppliedHash(obj);
  const live = observed === undefined ? await readOrNull(objects, manifest) : observed;
  if (appliedState(live, manifest).holds) return false;
  await applyManifest(objects, manifest, fieldManager);
  return true;
}

/** Server-side applies `manifest` as `fieldManager` unconditionally, taking over conflicting fields. */
export async function applyManifest(
  objects: KubernetesObjectApi,
  manifest: KubernetesObject,
  fieldManager: string,
): Promise<void> {
  await inTurn(objects, manifest, () =>
    objects.patch(manifest, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply),
  );
}

const firstRequests = new WeakMap<KubernetesObjectApi, Map<string, Promise<void>>>();

/**
 * Runs `request`, a request of `objects` about `manifest`'s kind (patch, read, delete). Before its first request of a
 * kind, KubernetesObjectApi looks up (and caches) the kind's API resource. When many first requests
 * go at once, as in the first passes of a started operator, node-fetch 2 can fail that lookup's
 * chunked response because its keep-alive connection is handed to the next request at once
 * ("Premature close"). So the first request of a kind goes alone (twice if its lookup failed
 * that way), and the others wait for it.
 */
export async function inTurn<T>(
  objects: KubernetesObjectApi,
  manifest: KubernetesObject,
  request: () => Promise<T>,
): Promise<T> {
  let firsts = firstRequests.get(objects);
  if (!firsts) firstRequests.set(objects, (firsts = new Map()));
  const key = `${manifest.apiVersion}/${manifest.kind}`;
  const first = firsts.get(key);
  if (first) {
    await first;
    return request();
  }
  const result = request().catch((err: unknown) => {
    if (lookupFailed(err) && /Premature close/.test((err as Error).message)) return request();
    throw err;
  });
  const known = firsts;
  known.set(
    key,
    result.then(
      () => undefined,
      (err: unknown) => void (lookupFailed(err) && known.delete(key)), // then the next one goes first
    ),
  );
  return result;
}

function lookupFailed(err: unknown): boolean {
  return /^Failed to fetch resource metadata/.test((err as Error)?.message ?? '');
}

/** The live object `manifest` names, or null when it does not exist. */
export async function readOrNull(
  objects: KubernetesObjectApi,
  manifest: KubernetesObject,
): Promise<KubernetesObject | null> {
  const { apiVersion, kind, metadata } = manifest;
  try {
    return await inTurn(objects, manifest, () =>
      objects.read({ apiVersion, kind, metadata: { name: metadata!.name!, namespace: metadata?.namespace } }),
    );
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}
