/**
 * Applies the children a pass wants, skipping every one whose live object already holds its
 * manifest (applied-state.ts), so that an idle pass writes nothing. The live object is taken from
 * what the pass already read, else from the informer cache, else from the API server.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { appliedState, withAppliedHash } from './applied-state.js';
import type { KubeAccess, ObjectRef } from './kube.js';

/** A child a pass wrote, and why. */
export interface AppliedChild {
  ref: ObjectRef;
  /** `missing`: created; `changed`: the operator wants something else; `drift`: someone else changed `field`. */
  reason: 'missing' | 'changed' | 'drift';
  field?: string;
}

/** The live object `ref` names as the caller knows it: null when missing, undefined when not known. */
export type ObservedChild = (ref: ObjectRef) => KubernetesObject | null | undefined;

/** ObjectRef of a manifest. */
export function refOf(manifest: KubernetesObject): ObjectRef {
  return {
    apiVersion: manifest.apiVersion!,
    kind: manifest.kind!,
    namespace: manifest.metadata!.namespace!,
    name: manifest.metadata!.name!,
  };
}

/**
 * Server-side applies each of `manifests` (in parallel) whose live object does not hold it;
 * returns those it wrote.
 */
export async function applyChildren(
  kube: KubeAccess,
  manifests: KubernetesObject[],
  observed: ObservedChild,
): Promise<AppliedChild[]> {
  const written = await Promise.all(
    manifests.map(async (obj): Promise<AppliedChild | null> => {
      const manifest = withAppliedHash(obj);
      const ref = refOf(manifest);
      const known = observed(ref);
      const state = appliedState(known === undefined ? await kube.read(ref) : known, manifest);
      if (state.holds) return null;
      await kube.apply(manifest);
      return { ref, reason: state.reason, ...(state.field ? { field: state.field } : {}) };
    }),
  );
  return written.filter((child): child is AppliedChild => child !== null);
}
