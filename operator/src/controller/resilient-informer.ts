import {
  makeInformer,
  type KubeConfig,
  type KubernetesObject,
  type ListPromise,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { systemClock, type Clock } from './clock.js';

/** What happened to an object the informer reports. */
export type InformerEvent = 'add' | 'update' | 'delete';

/** What to watch and where to send changes. */
export interface InformerOptions<T extends KubernetesObject> {
  /** Short resource name for logs and metrics, e.g. `deployments`. */
  resource: string;
  /** Watch path, e.g. `/apis/apps/v1/deployments` or `/api/v1/namespaces/ml/services`. */
  path: string;
  list: ListPromise<T>;
  labelSelector?: string;
  /** Called for every add, update and delete (handlers only enqueue keys). */
  onChange: (obj: T, event: InformerEvent) => void;
  /** Called for deletes (after `onChange`). */
  onDelete?: (obj: T) => void;
  logger: Logger;
  clock?: Clock;
  /** First restart delay after an error; doubles up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Called when the informer stopped on an error and a restart is scheduled. */
  onRestart?: () => void;
}

/**
 * A client-node informer (list + watch + cache) that restarts with exponential backoff after it
 * stops on an error; client-node only relists by itself on 410 Gone.
 */
export class ResilientInformer<T extends KubernetesObject> {
  private readonly informer;
  private readonly clock: Clock;
  private synced = false;
  /** The last list succeeded and no error came since: the cache follows the API server. */
  private following = false;
  private stopped = true;
  private failures = 0;
  private restartTimer: unknown;
  private errorSinceStart = false;
  private readonly syncWaiters: (() => void)[] = [];

  constructor(
    kubeConfig: KubeConfig,
    private readonly options: InformerOptions<T>,
  ) {
    this.clock = options.clock ?? systemClock;
    this.informer = makeInformer<T>(kubeConfig, options.path, options.list, options.labelSelector);
    for (const event of ['add', 'update', 'delete'] as const) {
      this.informer.on(event, (obj) => {
        // The cache holds this very object: dropping managedFields (often the largest part of an
        // object written by server-side apply) keeps the cache of thousands of children small.
        if (obj.metadata?.managedFields) delete obj.metadata.managedFields;
        options.onChange(obj, event);
      });
    }
    if (options.onDelete) this.informer.on('delete', options.onDelete);
    this.informer.on('error', (err) => this.onError(err));
  }

  /** Starts listing and watching; resolves after the first attempt (synced or not). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.attempt();
  }

  /** Stops watching and cancels a pending restart. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.following = false;
    if (this.restartTimer !== undefined) this.clock.clearTimer(this.restartTimer);
    this.restartTimer = undefined;
    await this.informer.stop();
  }

  /** True once a full list has succeeded (the cache is complete). */
  get hasSynced(): boolean {
    return this.synced;
  }

  /**
   * True while the cache follows the API server: listed, and no error since. False while a
   * restart is pending, when the cache may miss changes (deletions included).
   */
  get watching(): boolean {
    return this.following;
  }

  /** Resolves once the cache is complete. */
  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** Cached objects, optionally of one namespace. */
  list(namespace?: string): ReadonlyArray<T> {
    return this.informer.list(namespace);
  }

  /** One cached object. */
  get(name: string, namespace?: string): T | undefined {
    return this.informer.get(name, namespace);
  }

  private async attempt(): Promise<void> {
    this.errorSinceStart = false;
    try {
      await this.informer.start();
    } catch (err) {
      this.onError(err);
    }
    if (this.stopped || this.errorSinceStart) return;
    this.following = true;
    this.failures = 0;
    if (!this.synced) {
      this.synced = true;
      this.options.logger.info({ resource: this.options.resource }, 'Informer synced');
      for (const wake of this.syncWaiters.splice(0)) wake();
    }
  }

  private onError(err: unknown): void {
    this.errorSinceStart = true;
    this.following = false;
    if (this.stopped || this.restartTimer !== undefined) return;
    const base = this.options.initialBackoffMs ?? 1000;
    const delay = Math.min(base * 2 ** this.failures, this.options.maxBackoffMs ?? 30_000);
    this.failures++;
    this.options.logger.warn(
      { resource: this.options.resource, err: describe(err), retryInMs: delay },
      'Informer stopped on an error; restarting',
    );
    this.options.onRestart?.();
    this.restartTimer = this.clock.setTimer(() => {
      this.restartTimer = undefined;
      if (!this.stopped) void this.attempt();
    }, delay);
  }
}

function describe(err: unknown): string {
  const e = err as { code?: number; statusCode?: number; message?: string } | undefined;
  const code = e?.code ?? e?.statusCode;
  return `${code !== undefined ? `${code} ` : ''}${e?.message ?? String(err)}`.slice(0, 300);
}
