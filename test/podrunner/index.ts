/**
 * The local pod runner: node + kubelet + kube-proxy on this machine, for the local control plane.
 * It binds pending pods to its Node, runs each pod's first container as a local process on its
 * own loopback address, reports pod status, proxies Services and feeds Prometheus file_sd.
 * Test/dev infrastructure: nothing in operator/ or model-server/ knows it exists.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CoreV1Api, KubeConfig, type V1Pod, type V1Service } from '@kubernetes/client-node';
import type { ScrapeTarget } from '../cluster/prometheus.js';
import { AddressPool, slotRanges } from './addresses.js';
import type { Entrypoints } from './command.js';
import { HostsFiles } from './hosts-files.js';
import { watchResource, type WatchedResource } from './informers.js';
import { createKubeNodeAgentApi } from './kube-api.js';
import { PodController } from './pod-controller.js';
import type { PodProcessInfo } from './pod-worker.js';
import { scrapeTargets } from './scrape-targets.js';
import { ServiceProxies } from './service-proxies.js';
import { claimSlot, killOrphans, processPrefix } from './slots.js';

export type { Entrypoints } from './command.js';
export type { PodProcessInfo } from './pod-worker.js';

export interface PodRunnerOptions {
  /** Admin kubeconfig of the API server; also handed to every pod as KUBECONFIG. */
  kubeconfig: string;
  /** Pid files (`pids/`), logs (`logs/`), pod directories and host files go here; use the plane's dir. */
  stateDir: string;
  /** Where scrape targets go (the plane's `prometheus`); none: no file_sd. */
  prometheus?: { setTargets(job: string, targets: ScrapeTarget[]): Promise<void> };
  /** The file_sd job of the pods (default `pods`); runners sharing a Prometheus need distinct jobs. */
  prometheusJob?: string;
  /** Image-name prefix → local entrypoint argv, for containers that give args but no command. */
  entrypoints?: Entrypoints;
  /** Name of the Node to register and bind to (default `local-node`). */
  nodeName?: string;
  /** The namespaces this runner serves (default: all); runners sharing an API server need disjoint ones. */
  namespaces?: (namespace: string) => boolean;
  /** Address slot (default: the lowest free one on this machine). */
  slot?: number;
  /** Where the runner's own messages go (default `<stateDir>/logs/pod-runner.log`). */
  log?: (line: string) => void;
}

export interface PodRunner {
  nodeName: string;
  slot: number;
  /** `ip:port` of a Service port (number or name), stable while the Service exists. */
  serviceAddress(namespace: string, name: string, port: number | string): string;
  /** The loopback IP of a running pod. */
  podAddress(namespace: string, pod: string): string;
  /** The pods this runner runs, with their processes. */
  pods(): PodProcessInfo[];
  /** Stops every pod process and proxy (pods stay in the API server). */
  stop(): Promise<void>;
}

/** Address of the Node (the runner itself), reported as each pod's hostIP. */
const NODE_IP = '127.0.0.1';

export async function startPodRunner(opts: PodRunnerOptions): Promise<PodRunner> {
  const nodeName = opts.nodeName ?? 'local-node';
  const inScope = opts.namespaces ?? (() => true);
  const job = opts.prometheusJob ?? 'pods';
  const runnerLog = path.join(opts.stateDir, 'logs', 'pod-runner.log');
  fs.mkdirSync(path.dirname(runnerLog), { recursive: true });
  const log =
    opts.log ?? ((line: string) => fs.appendFileSync(runnerLog, `${new Date().toISOString()} ${line}\n`));
  const kc = new KubeConfig();
  kc.loadFromFile(opts.kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const api = createKubeNodeAgentApi(kc);
  await api.registerNode(nodeName, NODE_IP);

  const claim = claimSlot(opts.slot);
  killOrphans(opts.stateDir, claim.slot).forEach((orphan) => log(`killed a process left behind: ${orphan}`));
  const { podOctet, serviceOctet } = slotRanges(claim.slot);
  const hostsFiles = new HostsFiles(path.join(opts.stateDir, 'hosts'));
  const controller = new PodController({
    api,
    nodeName,
    inScope,
    pool: new AddressPool(podOctet, 2),
    log,
    workerDeps: {
      api,
      processPrefix: processPrefix(claim.slot),
      stateDir: opts.stateDir,
      nodeIP: NODE_IP,
      kubeconfig: path.resolve(opts.kubeconfig),
      entrypoints: opts.entrypoints,
      hostsFilesFor: (namespace) => hostsFiles.pathsFor(namespace),
      log,
    },
  });
  let pods: WatchedResource<V1Pod> | undefined;
  let services: WatchedResource<V1Service> | undefined;
  const ours = (pod: V1Pod) => inScope(pod.metadata?.namespace ?? '') && pod.spec?.nodeName === nodeName;
  const proxies = new ServiceProxies(
    {
      services: () => services?.list().filter((s) => inScope(s.metadata?.namespace ?? '')) ?? [],
      pods: () => pods?.list().filter(ours) ?? [],
    },
    new AddressPool(serviceOctet, 1),
    hostsFiles,
    log,
  );
  const targets = new TargetsWriter(job, opts.prometheus, log);
  const killAtExit = () => controller.pids().forEach((pid) => killGroup(pid));
  process.on('exit', killAtExit);

  try {
    pods = await watchResource(
      kc,
      '/api/v1/pods',
      () => core.listPodForAllNamespaces(),
      (kind, pod) => {
        controller.handle(kind, pod);
        proxies.request();
        targets.write(scrapeTargets(pods?.list().filter(ours) ?? []));
      },
      log,
    );
    services = await watchResource(
      kc,
      '/api/v1/services',
      () => core.listServiceForAllNamespaces(),
      () => proxies.request(),
      log,
    );
  } catch (error) {
    await Promise.all([pods?.stop(), services?.stop()]);
    claim.release();
    process.off('exit', killAtExit);
    throw error;
  }
  log(
    `pod runner started: node ${nodeName}, slot ${claim.slot}, pods 127.${podOctet}.0.0/16, services 127.${serviceOctet}.0.0/16`,
  );

  return {
    nodeName,
    slot: claim.slot,
    serviceAddress: (namespace, name, port) => proxies.address(namespace, name, port),
    podAddress(namespace, pod) {
      const worker = controller.find(namespace, pod);
      if (!worker) throw new Error(`pod ${namespace}/${pod} is not run by this pod runner`);
      return worker.ip;
    },
    pods: () => controller.list(),
    async stop() {
      await Promise.all([pods?.stop(), services?.stop()]);
      await controller.stop(10_000);
      await proxies.stop();
      await targets.write([]).catch(() => undefined);
      claim.release();
      process.off('exit', killAtExit);
      log('pod runner stopped');
    },
  };
}

/** Writes the pods' file_sd job whenever the target list changes, one write at a time. */
class TargetsWriter {
  private last = '';
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly job: string,
    private readonly prometheus: PodRunnerOptions['prometheus'],
    private readonly log: (line: string) => void,
  ) {}

  write(targets: ScrapeTarget[]): Promise<void> {
    const text = JSON.stringify(targets);
    if (!this.prometheus || text === this.last) return this.chain;
    this.last = text;
    const prometheus = this.prometheus;
    this.chain = this.chain
      .then(() => prometheus.setTargets(this.job, targets))
      .catch((error) => this.log(`file_sd ${this.job}: ${(error as Error).message}`));
    return this.chain;
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}
