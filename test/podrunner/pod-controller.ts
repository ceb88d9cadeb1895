/**
 * Scheduler + kubelet for the pods of the runner's namespaces: binds pending pods to the node,
 * runs a PodWorker for each pod bound to it, and finishes pod deletions.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { AddressPool } from './addresses.js';
import type { ChangeKind } from './informers.js';
import type { NodeAgentApi } from './kube-api.js';
import { PodWorker, type PodProcessInfo, type PodWorkerDeps } from './pod-worker.js';

export interface PodControllerOptions {
  api: NodeAgentApi;
  nodeName: string;
  inScope(namespace: string): boolean;
  pool: AddressPool;
  workerDeps: PodWorkerDeps;
  log(line: string): void;
}

export class PodController {
  private readonly workers = new Map<string, PodWorker>();
  private readonly binding = new Set<string>();
  private stopped = false;

  constructor(private readonly opts: PodControllerOptions) {}

  /** Acts on one pod event from the informer. */
  handle(kind: ChangeKind, pod: V1Pod): void {
    const namespace = pod.metadata?.namespace;
    const uid = pod.metadata?.uid;
    if (this.stopped || !namespace || !uid || !this.opts.inScope(namespace)) return;
    const worker = this.workers.get(uid);
    if (kind === 'delete') {
      if (worker) void this.finish(worker, false); // removed without us (forced): just stop the process
      return;
    }
    if (!pod.spec?.nodeName) {
      const defaultScheduler = (pod.spec?.schedulerName ?? 'default-scheduler') === 'default-scheduler';
      if (!pod.metadata?.deletionTimestamp && defaultScheduler) this.bind(pod);
      return;
    }
    if (pod.spec.nodeName !== this.opts.nodeName) return;
    if (worker) {
      worker.update(pod);
      if (pod.metadata?.deletionTimestamp) void this.finish(worker, true);
      return;
    }
    if (pod.metadata?.deletionTimestamp) {
      void this.opts.api.deletePodNow(namespace, pod.metadata.name!, uid).catch((e) => this.fail(pod, e));
      return;
    }
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return; // ran to its end before
    const started = new PodWorker(pod, this.opts.pool.allocate(uid), this.opts.workerDeps);
    this.workers.set(uid, started);
    started.start();
    this.opts.log(`${namespace}/${pod.metadata?.name}: starting on ${started.ip}`);
  }

  /** The worker of pod `namespace/name`, if this runner runs it. */
  find(namespace: string, name: string): PodWorker | undefined {
    return [...this.workers.values()].find((w) => w.namespace === namespace && w.name === name);
  }

  /** Every pod process this runner runs. */
  list(): PodProcessInfo[] {
    return [...this.workers.values()].map((w) => w.info());
  }

  /** Pids of the running processes (for a synchronous kill at exit). */
  pids(): number[] {
    return [...this.workers.values()].flatMap((w) => w.info().pid ?? []);
  }

  /** Stops every process, leaving the pods in the API server (as a stopping kubelet does). */
  async stop(maxGraceMs: number): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.workers.values()].map((w) => this.finish(w, false, maxGraceMs)));
  }

  private async finish(worker: PodWorker, deletePod: boolean, maxGraceMs?: number): Promise<void> {
    await worker.terminate(deletePod, maxGraceMs);
    this.opts.log(`${worker.namespace}/${worker.name}: stopped${deletePod ? ' and deleted' : ''}`);
    if (this.workers.get(worker.uid) === worker) {
      this.workers.delete(worker.uid);
      this.opts.pool.release(worker.uid);
    }
  }

  private bind(pod: V1Pod): void {
    const { namespace, name, uid } = pod.metadata as { namespace: string; name: string; uid: string };
    if (this.binding.has(uid)) return;
    this.binding.add(uid);
    this.opts.api
      .bindPod(namespace, name, this.opts.nodeName)
      .catch((error) => {
        this.fail(pod, error);
        setTimeout(() => this.handle('update', pod), 1_000); // the informer may have nothing new to say
      })
      .finally(() => this.binding.delete(uid));
  }

  private fail(pod: V1Pod, error: unknown): void {
    this.opts.log(`${pod.metadata?.namespace}/${pod.metadata?.name}: ${(error as Error).message}`);
  }
}
