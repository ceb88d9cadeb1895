/**
 * The routes ConfigMap, watched through the Kubernetes API: list (fieldSelector on the name,
 * so RBAC can be limited to that one object), then watch from the list's resourceVersion. A
 * closed watch is resumed; an expired one (410) re-lists; any failure retries with backoff.
 */
import { CoreV1Api, Watch, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { parseRoutesConfigMapData } from './routes-config.js';
import type { RoutesUpdate } from './routes-state.js';
import { Backoff, type RoutesSource } from './source.js';

/** Settings of the ConfigMap watch. */
export interface ConfigMapSourceOptions {
  namespace: string;
  name: string;
  /** Server-side watch timeout; the watch is then resumed from the last resourceVersion. */
  watchTimeoutSeconds?: number;
}

type WatchEnd = 'closed' | 'expired';

/** Watches one ConfigMap and delivers its `routes.json` on every change. */
export class ConfigMapRoutesSource implements RoutesSource {
  readonly name = 'configmap';
  private readonly core: CoreV1Api;
  private readonly watcher: Watch;
  private readonly watchTimeoutSeconds: number;
  private stopped = false;
  private abort?: AbortController;
  private wake?: () => void;
  private loop?: Promise<void>;

  constructor(
    kubeConfig: KubeConfig,
    private readonly options: ConfigMapSourceOptions,
    private readonly log: Logger,
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    this.watcher = new Watch(kubeConfig);
    this.watchTimeoutSeconds = options.watchTimeoutSeconds ?? 60;
  }

  start(onUpdate: (update: RoutesUpdate) => void): void {
    this.stopped = false;
    this.loop = this.run(onUpdate);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort?.abort();
    this.wake?.();
    await this.loop;
  }

  private async run(onUpdate: (update: RoutesUpdate) => void): Promise<void> {
    const backoff = new Backoff();
    while (!this.stopped) {
      try {
        let resourceVersion = await this.list(onUpdate);
        backoff.reset();
        while (!this.stopped) {
          const started = Date.now();
          const end = await this.watchOnce(resourceVersion, onUpdate, (rv) => (resourceVersion = rv));
          if (end === 'expired') break;
          // A watch the server closes at once would otherwise spin.
          if (Date.now() - started < 1_000) await this.sleep(backoff.next());
          else backoff.reset();
        }
      } catch (err) {
        if (this.stopped) break;
        const error = new Error(
          `configmap ${this.options.namespace}/${this.options.name}: ${describeError(err)}`,
        );
        onUpdate({ kind: 'source-error', error });
        await this.sleep(backoff.next());
      }
    }
  }

  /** Lists the ConfigMap, delivers it, and returns the list's resourceVersion. */
  private async list(onUpdate: (update: RoutesUpdate) => void): Promise<string> {
    const list = await this.core.listNamespacedConfigMap({
      namespace: this.options.namespace,
      fieldSelector: `metadata.name=${this.options.name}`,
    });
    const item = list.items[0];
    onUpdate(item ? configUpdate(item) : { kind: 'missing' });
    return list.metadata?.resourceVersion ?? '';
  }

  private watchOnce(
    resourceVersion: string,
    onUpdate: (update: RoutesUpdate) => void,
    setResourceVersion: (rv: string) => void,
  ): Promise<WatchEnd> {
    const path = `/api/v1/namespaces/${encodeURIComponent(this.options.namespace)}/configmaps`;
    return new Promise<WatchEnd>((resolve, reject) => {
      let expired = false;
      let failure: Error | undefined;
      let idleAborted = false;
      let idleTimer: NodeJS.Timeout | undefined;
      let controller: AbortController | undefined;
      // A half-open connection sends nothing; give up on it after the server timeout plus slack.
      const armIdleTimer = () => {
        clearTimeout(idleTimer);
        idleTimer = setTimeout(
          () => {
            idleAborted = true;
            controller?.abort();
          },
          (this.watchTimeoutSeconds + 30) * 1000,
        );
      };
      const onEvent = (type: string, obj: V1ConfigMap & { code?: number; message?: string }) => {
        armIdleTimer();
        if (type === 'ERROR') {
          if (obj?.code === 410) expired = true;
          else failure = new Error(`watch error ${obj?.code ?? ''}: ${obj?.message ?? JSON.stringify(obj)}`);
          return;
        }
        const rv = obj?.metadata?.resourceVersion;
        if (rv) setResourceVersion(rv);
        if (type === 'ADDED' || type === 'MODIFIED') onUpdate(configUpdate(obj));
        else if (type === 'DELETED') onUpdate({ kind: 'missing' });
      };
      const onDone = (err: unknown) => {
        clearTimeout(idleTimer);
        if (this.stopped || idleAborted || expired) return resolve(expired ? 'expired' : 'closed');
        if (failure) return reject(failure);
        if (err) return reject(err);
        resolve('closed');
      };
      this.watcher
        .watch(
          path,
          {
            fieldSelector: `metadata.name=${this.options.name}`,
            resourceVersion,
            allowWatchBookmarks: true,
            timeoutSeconds: this.watchTimeoutSeconds,
          },
          onEvent,
          onDone,
        )
        .then((c) => {
          controller = c;
          this.abort = c;
          if (this.stopped) c.abort();
          else armIdleTimer();
        }, reject);
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

function configUpdate(configMap: V1ConfigMap): RoutesUpdate {
  return { kind: 'config', result: parseRoutesConfigMapData(configMap.data) };
}

function describeError(err: unknown): string {
  const e = err as { code?: number; statusCode?: number; body?: unknown; message?: string };
  const code = e.code ?? e.statusCode;
  if (typeof code === 'number') {
    const body = typeof e.body === 'string' ? e.body : JSON.stringify(e.body ?? '');
    let reason = body;
    try {
      reason = (JSON.parse(body) as { message?: string }).message ?? body;
    } catch {
      // not JSON: keep the raw body
    }
    return `HTTP ${code}: ${reason || e.message}`;
  }
  return e.message ?? String(err);
}
