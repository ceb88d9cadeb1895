/** What a reconcile pass asks of the controller afterwards. */
export interface ReconcileResult {
  /** Reconcile this key again after this many milliseconds (the next analysis tick, a deadline). */
  requeueAfterMs?: number;
}

/** Level-triggered reconciler: recomputes everything for one `namespace/name` key from the cluster. */
export interface Reconciler {
  /** Brings the cluster towards the desired state of the keyed ModelDeployment; throws to retry with backoff. */
  reconcile(key: string): Promise<ReconcileResult>;
}
