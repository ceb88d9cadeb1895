/**
 * Everything the runner does for one bound pod: prepares and runs its first container, probes it,
 * reports its status, and on deletion stops it and removes the pod for good.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import type { Entrypoints } from './command.js';
import { ContainerRunner } from './container-runner.js';
import { resolveEnv } from './env.js';
import type { NodeAgentApi } from './kube-api.js';
import { buildLaunch, type LaunchSpec } from './launch.js';
import { prepareVolumes } from './mounts.js';
import { buildPodStatus, podPhase, type PodView } from './pod-status.js';
import { probeCheck, probeSchedule, ProbeLoop } from './probes.js';
import { StatusReporter } from './status-reporter.js';

/** Longest wait between SIGTERM and SIGKILL, whatever the pod asks for. */
export const MAX_GRACE_MS = 30_000;

export interface PodWorkerDeps {
  api: NodeAgentApi;
  stateDir: string;
  nodeIP: string;
  kubeconfig: string;
  /** Start of the pid and log file names of this runner's processes. */
  processPrefix: string;
  entrypoints?: Entrypoints;
  /** The Service override files of `namespace`, written before the call returns. */
  hostsFilesFor(namespace: string): { json: string; lines: string };
  log(line: string): void;
}

/** What tests and humans may want to know about a pod's process. */
export interface PodProcessInfo {
  namespace: string;
  name: string;
  uid: string;
  ip: string;
  pid?: number;
  phase: string;
  ready: boolean;
  restartCount: number;
  logFile: string;
}

export class PodWorker {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  private readonly container: V1Container;
  private readonly runner: ContainerRunner;
  private readonly reporter: StatusReporter;
  private readonly podDir: string;
  private readonly startTime: Date;
  private probes: ProbeLoop[] = [];
  private probeReady = false;
  private ending?: Promise<void>;

  constructor(
    private pod: V1Pod,
    readonly ip: string,
    private readonly deps: PodWorkerDeps,
  ) {
    this.namespace = pod.metadata!.namespace!;
    this.name = pod.metadata!.name!;
    this.uid = pod.metadata!.uid!;
    this.container = pod.spec!.containers[0];
    this.podDir = path.join(deps.stateDir, 'pods', `${this.namespace}_${this.name}_${this.uid.slice(0, 8)}`);
    this.startTime = pod.status?.startTime ? new Date(pod.status.startTime) : new Date();
    const previous = pod.status?.containerStatuses?.find((s) => s.name === this.container.name);
    this.runner = new ContainerRunner({
      processName: `${deps.processPrefix}${this.namespace}_${this.name}`,
      stateDir: deps.stateDir,
      restartPolicy: pod.spec?.restartPolicy ?? 'Always',
      initialRestartCount: previous?.restartCount ?? 0,
      prepare: () => this.prepare(),
      onStarted: (_process, launch) => this.startProbes(launch),
      onExited: () => this.stopProbes(),
      onChange: () => this.reporter.request(),
    });
    this.runner.everStarted = Boolean(previous?.state?.running || previous?.state?.terminated);
    this.reporter = new StatusReporter(
      (before) => buildPodStatus(this.view(), before, new Date()),
      (status) => deps.api.patchPodStatus(this.namespace, this.name, status),
      (error) => deps.log(`status of ${this.namespace}/${this.name}: ${(error as Error).message}`),
    );
  }

  /** Reports the pod's address and starts its container. */
  start(): void {
    const ignored = [...(this.pod.spec?.initContainers ?? []), ...this.pod.spec!.containers.slice(1)];
    if (ignored.length) {
      const names = ignored.map((c) => c.name).join(', ');
      this.deps.log(`${this.namespace}/${this.name}: only the first container runs here; not run: ${names}`);
    }
    this.reporter.request();
    this.runner.start();
  }

  /** A newer version of the pod object (its deletion grace period, labels for field references). */
  update(pod: V1Pod): void {
    this.pod = pod;
  }

  /**
   * Stops the process (SIGTERM, SIGKILL after the pod's grace period, at most 30 s), removes the
   * pod's directories and, when `deletePod`, deletes the pod with grace 0 as the kubelet does.
   */
  terminate(deletePod: boolean, maxGraceMs = MAX_GRACE_MS): Promise<void> {
    this.ending ??= (async () => {
      const graceSeconds =
        this.pod.metadata?.deletionGracePeriodSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? 30;
      await this.runner.stop(Math.min(graceSeconds * 1000, maxGraceMs));
      await this.reporter.settled();
      this.reporter.close();
      fs.rmSync(this.podDir, { recursive: true, force: true });
      if (deletePod) await this.deletePod();
    })();
    return this.ending;
  }

  /** Where its process stands right now. */
  info(): PodProcessInfo {
    const view = this.view();
    return {
      namespace: this.namespace,
      name: this.name,
      uid: this.uid,
      ip: this.ip,
      pid: this.runner.pid,
      phase: podPhase(view),
      ready: view.container.state.kind === 'running' && this.probeReady,
      restartCount: this.runner.restartCount,
      logFile: this.runner.logFile,
    };
  }

  private view(): PodView {
    return {
      podIP: this.ip,
      hostIP: this.deps.nodeIP,
      startTime: this.startTime,
      everStarted: this.runner.everStarted,
      container: {
        name: this.container.name,
        image: this.container.image ?? '',
        state: this.runner.state,
        lastTermination: this.runner.lastTermination,
        restartCount: this.runner.restartCount,
        probeReady: this.probeReady,
      },
    };
  }

  private async prepare(): Promise<LaunchSpec> {
    fs.mkdirSync(path.join(this.podDir, 'tmp'), { recursive: true });
    const addresses = { podIP: this.ip, hostIP: this.deps.nodeIP };
    const env = await resolveEnv(this.pod, this.container, addresses, this.deps.api.data);
    const mappings = await prepareVolumes(this.pod, this.container, this.podDir, this.deps.api.data);
    return buildLaunch(this.pod, this.container, env, mappings, {
      podIP: this.ip,
      podDir: this.podDir,
      kubeconfig: this.deps.kubeconfig,
      hostsFiles: this.deps.hostsFilesFor(this.namespace),
      entrypoints: this.deps.entrypoints,
    });
  }

  private startProbes(launch: LaunchSpec): void {
    const { readinessProbe, livenessProbe } = this.container;
    this.probeReady = !readinessProbe;
    const loop = (
      probe: NonNullable<typeof readinessProbe>,
      onChange: (ok: boolean) => void,
      initial: boolean,
    ) => {
      try {
        const check = probeCheck(probe, this.container, this.ip, launch.env);
        this.probes.push(new ProbeLoop(probeSchedule(probe), check, onChange, initial));
      } catch (error) {
        this.deps.log(`${this.namespace}/${this.name}: ${(error as Error).message}`);
      }
    };
    if (readinessProbe) {
      loop(
        readinessProbe,
        (ready) => {
          this.probeReady = ready;
          this.reporter.request();
        },
        false,
      );
    }
    if (livenessProbe) {
      const restartIfDead = (alive: boolean) => {
        if (alive) return;
        this.deps.log(`${this.namespace}/${this.name}: liveness probe failed, restarting the container`);
        void this.runner.restart(this.graceMs());
      };
      loop(livenessProbe, restartIfDead, true);
    }
    this.probes.forEach((p) => p.start());
  }

  private stopProbes(): void {
    this.probes.forEach((p) => p.stop());
    this.probes = [];
    this.probeReady = false;
  }

  private graceMs(): number {
    return Math.min((this.pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000, MAX_GRACE_MS);
  }

  private async deletePod(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deps.api.deletePodNow(this.namespace, this.name, this.uid);
      } catch (error) {
        this.deps.log(`deleting ${this.namespace}/${this.name}: ${(error as Error).message}`);
        if (attempt >= 5) return;
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
  }
}
