import type { KubeConfig } from '@kubernetes/client-node';
import { CoordinationV1Api } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { ControllerMetrics } from '../metrics/types.js';
import { LeaderElector } from './leader-election.js';
import type { Reconciler } from './types.js';
import { createWatches, keyOf, type ModelDeploymentObserver, type Watches } from './watches.js';
import { WorkQueue } from './work-queue.js';
import { ReconcileWorkers } from './workers.js';

/** Settings of the controller manager. */
export interface ManagerOptions {
  kubeConfig: KubeConfig;
  reconciler: Reconciler;
  logger: Logger;
  metrics?: ControllerMetrics;
  /** Watch one namespace, or all when undefined. */
  namespace?: string;
  /** Keys reconciled in parallel. Default 4. */
  concurrency?: number;
  /** Every ModelDeployment is re-enqueued this often (level-triggered safety net). Default 5 min. */
  resyncPeriodMs?: number;
  /** Lease settings; without them this replica leads unconditionally. */
  leaderElection?: {
    leaseName: string;
    leaseNamespace: string;
    identity: string;
    leaseDurationMs?: number;
    renewDeadlineMs?: number;
    retryPeriodMs?: number;
  };
  /** Called when leadership is lost while running (the process should exit and restart). */
  onLostLeadership?: () => void;
  /** Sees every ModelDeployment change (phase metrics). */
  modelDeploymentObserver?: ModelDeploymentObserver;
}

/**
 * Informers → keyed work queue → reconcile workers, with leader election and graceful shutdown.
 * Informers run on every replica (so a standby is warm and ready); workers only on the leader.
 */
export class ControllerManager {
  readonly queue: WorkQueue;
  private readonly watches: Watches;
  private readonly workers: ReconcileWorkers;
  private readonly elector: LeaderElector | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private workersRunning = false;
  private shuttingDown = false;

  constructor(private readonly options: ManagerOptions) {
    const { logger, metrics } = options;
    this.queue = new WorkQueue({ onDepthChange: (d) => metrics?.setQueueDepth(d) });
    this.watches = createWatches(options.kubeConfig, {
      namespace: options.namespace,
      enqueue: (key) => this.queue.add(key),
      logger,
      onRestart: (resource) => metrics?.recordInformerRestart(resource),
      modelDeploymentObserver: options.modelDeploymentObserver,
    });
    options.reconciler.useCache?.(this.watches.children);
    this.workers = new ReconcileWorkers({
      queue: this.queue,
      reconciler: options.reconciler,
      concurrency: options.concurrency ?? 4,
      logger,
      metrics,
    });
    const le = options.leaderElection;
    if (le) {
      this.elector = new LeaderElector(options.kubeConfig.makeApiClient(CoordinationV1Api), {
        ...le,
        logger,
        onStartedLeading: () => this.startWorkers(),
        onStoppedLeading: () => {
          metrics?.setLeader(false);
          if (!this.shuttingDown) options.onLostLeadership?.();
        },
      });
    }
  }

  /** Starts informers, the resync timer and either leader election or the workers. */
  async start(): Promise<void> {
    await Promise.all(this.watches.all.map((w) => w.start()));
    const period = this.options.resyncPeriodMs ?? 300_000;
    this.resyncTimer = setInterval(() => this.resync(), period).unref();
    if (this.elector) this.elector.start();
    else this.startWorkers();
  }

  /** True when every informer has a complete cache (leader or warm standby). */
  get ready(): boolean {
    return !this.shuttingDown && this.watches.all.every((w) => w.hasSynced);
  }

  /** Whether this replica runs the workers. */
  get leading(): boolean {
    return this.workersRunning;
  }

  /** Enqueues every cached ModelDeployment. */
  resync(): void {
    for (const obj of this.watches.modelDeployments.list()) this.queue.add(keyOf(obj));
  }

  /** Stops informers, drains in-flight reconciles, then releases the lease. */
  async shutdown(): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    clearInterval(this.resyncTimer);
    await Promise.all(this.watches.all.map((w) => w.stop()));
    this.queue.shutDown();
    await this.workers.stopped();
    await this.elector?.stop({ release: true });
    this.options.metrics?.setLeader(false);
    this.options.logger.info('Controller stopped');
  }

  private startWorkers(): void {
    if (this.workersRunning || this.shuttingDown) return;
    this.workersRunning = true;
    this.options.metrics?.setLeader(true);
    this.workers.start();
    this.resync();
  }
}
