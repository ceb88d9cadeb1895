/**
 * The Kubernetes access the reconciler needs, and nothing more: small enough that a reader sees
 * every side effect at a glance. kube-client.ts implements it over @kubernetes/client-node.
 */
import type { CoreV1Event, KubernetesObject, V1Deployment } from '@kubernetes/client-node';
import type { ModelDeployment } from '../api/types.js';

/** Identifies an object to delete. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

/** A write lost an optimistic-concurrency race (HTTP 409): the object changed since it was read. */
export class ConflictError extends Error {
  override name = 'ConflictError';
}

export interface KubeAccess {
  /** The ModelDeployment, or null when it does not exist. */
  getModelDeployment(namespace: string, name: string): Promise<ModelDeployment | null>;
  /**
   * Sets metadata.finalizers, guarded by the object's resourceVersion; returns the updated
   * object. Throws ConflictError when the object changed since it was read.
   */
  setFinalizers(md: ModelDeployment, finalizers: string[]): Promise<ModelDeployment>;
  /**
   * Replaces the status subresource with `md.status`, guarded by `md.metadata.resourceVersion`;
   * returns the updated object. Throws ConflictError when the object changed since it was read.
   */
  replaceStatus(md: ModelDeployment): Promise<ModelDeployment>;
  /** The Deployment, or null when it does not exist. */
  getDeployment(namespace: string, name: string): Promise<V1Deployment | null>;
  /** The object `ref` names, or null when it does not exist. */
  read(ref: ObjectRef): Promise<KubernetesObject | null>;
  /** Server-side apply of `obj` as the operator's field manager, taking over conflicting fields. */
  apply(obj: KubernetesObject): Promise<void>;
  /** Deletes the object (background propagation); an object already gone is not an error. */
  delete(ref: ObjectRef): Promise<void>;
  /** Creates a core/v1 Event. */
  createEvent(event: CoreV1Event): Promise<void>;
}
