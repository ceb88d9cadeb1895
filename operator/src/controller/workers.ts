import type { Logger } from 'pino';
import type { ControllerMetrics } from '../metrics/types.js';
import type { Reconciler } from './types.js';
import type { WorkQueue } from './work-queue.js';

/** Options of the reconcile workers. */
export interface WorkersOptions {
  queue: WorkQueue;
  reconciler: Reconciler;
  /** Keys reconciled in parallel (never the same key twice at once). */
  concurrency: number;
  logger: Logger;
  metrics?: ControllerMetrics;
}

/**
 * Worker loops taking keys from the queue and reconciling them: success forgets the key's
 * backoff and honours `requeueAfterMs`; an error re-adds the key with per-key backoff.
 */
export class ReconcileWorkers {
  private loops: Promise<void>[] = [];

  constructor(private readonly options: WorkersOptions) {}

  /** Starts the worker loops; they end when the queue shuts down. */
  start(): void {
    for (let i = 0; i < this.options.concurrency; i++) this.loops.push(this.loop());
  }

  /** Resolves when every loop has ended (after the queue shut down and in-flight passes finished). */
  async stopped(): Promise<void> {
    await Promise.all(this.loops);
    this.loops = [];
  }

  private async loop(): Promise<void> {
    const { queue } = this.options;
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await this.reconcileOnce(key);
      } finally {
        queue.done(key);
      }
    }
  }

  private async reconcileOnce(key: string): Promise<void> {
    const { queue, reconciler, metrics } = this.options;
    const logger = this.options.logger.child({ modelDeployment: key });
    const started = performance.now();
    try {
      const result = await reconciler.reconcile(key);
      const seconds = (performance.now() - started) / 1000;
      metrics?.observeReconcile(seconds, 'success');
      queue.forget(key);
      if (result.requeueAfterMs !== undefined) queue.addAfter(key, result.requeueAfterMs);
      logger.debug(
        { durationMs: Math.round(seconds * 10_000) / 10, requeueAfterMs: result.requeueAfterMs },
        'Reconciled',
      );
    } catch (err) {
      metrics?.observeReconcile((performance.now() - started) / 1000, 'error');
      const retries = queue.retries(key);
      logger.error({ err, retries }, 'Reconcile failed; retrying with backoff');
      queue.addRateLimited(key);
    }
  }
}
