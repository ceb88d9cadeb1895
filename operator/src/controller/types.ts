import type { KubernetesObject } from '@kubernetes/client-node';

/** What a reconcile pass asks of the controller afterwards. */
export interface ReconcileResult {
  /** Reconcile this key again after this many milliseconds (the next analysis tick, a deadline). */
  requeueAfterMs?: number;
}

/** Names one object of one kind. */
export interface CachedObjectRef {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

/** Read access to the informers' caches: objects as the last watch event showed them. */
export interface ObjectCache {
  /**
   * The cached object (do not modify it); null when the cache is complete and holds no such
   * object; undefined when objects of that kind are not cached, or the cache is not complete yet
   * — then only the API server can tell.
   */
  get(ref: CachedObjectRef): KubernetesObject | null | undefined;
}

/** Level-triggered reconciler: recomputes everything for one `namespace/name` key from the cluster. */
export interface Reconciler {
  /** Brings the cluster towards the desired state of the keyed ModelDeployment; throws to retry with backoff. */
  reconcile(key: string): Promise<ReconcileResult>;
  /**
   * Receives the manager's informer caches once, before the first pass, so that the reconciler can
   * compare with what is cached instead of asking the API server (after controller-runtime's
   * `inject.Cache`). Optional: a reconciler without it reads what it needs.
   */
  useCache?(cache: ObjectCache): void;
}
