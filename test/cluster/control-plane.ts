import fs from 'node:fs';
import path from 'node:path';
import { startApiServer } from './apiserver.js';
import { ensureKubeBinaries } from './binaries.js';
import { generatePki, writeKubeconfig } from './certs.js';
import { startControllerManager } from './controller-manager.js';
import { startEtcd } from './etcd.js';
import { cleanUpAbandonedPlanes, PLANES_DIR, writeOwner } from './leftovers.js';
import { startPostgres, type Postgres } from './postgres.js';
import {
  reloadPrometheus,
  startPrometheus,
  writeTargets,
  type Prometheus,
  type ScrapeTarget,
} from './prometheus.js';
import { killRecorded, type ManagedProcess } from './process.js';

/** The real parts a plane can run: `kube` = etcd + kube-apiserver + kube-controller-manager. */
export type Component = 'kube' | 'postgres' | 'prometheus';
export const ALL_COMPONENTS: Component[] = ['kube', 'postgres', 'prometheus'];

/** Everything a client needs to reach a running plane; also written to `<dir>/plane.json`. */
export interface PlaneInfo {
  dir: string;
  components: Component[];
  kubeconfig?: string;
  apiServerUrl?: string;
  helm?: string;
  postgresUrl?: string;
  prometheusUrl?: string;
  prometheusSdDir?: string;
  prometheusRulesDir?: string;
}

/** Prometheus as tests use it: where it is and how to give it targets. */
export interface PrometheusHandle {
  url: string;
  sdDir: string;
  rulesDir: string;
  /** Writes file_sd targets for `job` (scrape interval 1s); pass [] to remove them. */
  setTargets(job: string, targets: ScrapeTarget[]): Promise<void>;
  reload(): Promise<void>;
}

/** A running local control plane. Accessing a component that was not started throws. */
export interface ControlPlane {
  dir: string;
  info: PlaneInfo;
  /** Path of an admin kubeconfig (client cert in system:masters). */
  kubeconfig: string;
  postgresUrl: string;
  prometheusUrl: string;
  prometheus: PrometheusHandle;
  /** Stops every process of the plane and removes its directory (unless it was kept). */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Directory for the plane's state; a fresh one under the temp dir by default. */
  dir?: string;
  components?: Component[];
  /** Prints each started part and its start time. */
  verbose?: boolean;
  /** Record this process as the owner (temporary planes); false for planes meant to outlive it. */
  owned?: boolean;
}

export function planeFromInfo(info: PlaneInfo, stop: () => Promise<void>): ControlPlane {
  const need = <T>(value: T | undefined, component: Component): T => {
    if (value === undefined)
      throw new Error(`the control plane at ${info.dir} was started without '${component}'`);
    return value;
  };
  return {
    dir: info.dir,
    info,
    get kubeconfig() {
      return need(info.kubeconfig, 'kube');
    },
    get postgresUrl() {
      return need(info.postgresUrl, 'postgres');
    },
    get prometheusUrl() {
      return need(info.prometheusUrl, 'prometheus');
    },
    get prometheus() {
      const url = need(info.prometheusUrl, 'prometheus');
      const sdDir = need(info.prometheusSdDir, 'prometheus');
      return {
        url,
        sdDir,
        rulesDir: need(info.prometheusRulesDir, 'prometheus'),
        setTargets: async (job: string, targets: ScrapeTarget[]) => writeTargets(sdDir, job, targets),
        reload: () => reloadPrometheus(url),
      };
    },
    stop,
  };
}

export async function startControlPlane(opts: StartOptions = {}): Promise<ControlPlane> {
  const components = opts.components ?? ALL_COMPONENTS;
  const log = (msg: string) => opts.verbose && process.stderr.write(`[control-plane] ${msg}\n`);
  cleanUpAbandonedPlanes().forEach((p) => log(`cleaned up abandoned plane ${p}`));
  fs.mkdirSync(PLANES_DIR, { recursive: true });
  const dir = opts.dir ?? fs.mkdtempSync(path.join(PLANES_DIR, `plane-${process.pid}-`));
  fs.mkdirSync(dir, { recursive: true });
  if (opts.owned !== false) writeOwner(dir);
  const info: PlaneInfo = { dir, components };
  const stoppers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
    killRecorded(dir);
  };
  const timed = async <T>(what: string, start: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    const result = await start();
    log(`${what} up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return result;
  };
  try {
    const parts: Promise<unknown>[] = [];
    if (components.includes('kube')) parts.push(startKube(dir, info, stoppers, timed));
    if (components.includes('postgres')) {
      parts.push(
        timed('postgres', () => startPostgres(dir)).then((pg: Postgres) => {
          info.postgresUrl = pg.url;
          stoppers.push(() => pg.stop());
        }),
      );
    }
    if (components.includes('prometheus')) {
      parts.push(
        timed('prometheus', () => startPrometheus(dir)).then((prom: Prometheus) => {
          Object.assign(info, {
            prometheusUrl: prom.url,
            prometheusSdDir: prom.sdDir,
            prometheusRulesDir: prom.rulesDir,
          });
          stoppers.push(() => prom.stop());
        }),
      );
    }
    const results = await Promise.allSettled(parts);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (error) {
    await stopAll();
    throw error;
  }
  fs.writeFileSync(path.join(dir, 'plane.json'), JSON.stringify(info, null, 2));
  return planeFromInfo(info, async () => {
    await stopAll();
    if (!opts.dir) fs.rmSync(dir, { recursive: true, force: true });
  });
}

async function startKube(
  dir: string,
  info: PlaneInfo,
  stoppers: (() => Promise<void>)[],
  timed: <T>(what: string, start: () => Promise<T>) => Promise<T>,
): Promise<void> {
  const bins = ensureKubeBinaries();
  const pki = generatePki(path.join(dir, 'pki'));
  const etcd = await timed('etcd', () => startEtcd(bins.etcd, dir));
  stoppers.push(() => etcd.process.stop());
  const api = await timed('kube-apiserver', () => startApiServer(bins.kubeApiserver, dir, etcd.url, pki));
  stoppers.push(() => api.process.stop());
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfig, api.url, pki);
  const kcm: ManagedProcess = await timed('kube-controller-manager', () =>
    startControllerManager(bins.kubeControllerManager, dir, kubeconfig, pki),
  );
  stoppers.push(() => kcm.stop());
  Object.assign(info, { kubeconfig, apiServerUrl: api.url, helm: bins.helm });
}
