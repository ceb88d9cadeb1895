import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Paths of the cached Kubernetes binaries. */
export interface KubeBinaries {
  kubeApiserver: string;
  kubeControllerManager: string;
  etcd: string;
  helm: string;
}

const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/build-kube-binaries.sh');
let cached: KubeBinaries | undefined;

/**
 * Builds the binaries that are missing from the cache (progress goes to stderr) and returns their
 * paths. A warm cache answers in milliseconds.
 */
export function ensureKubeBinaries(): KubeBinaries {
  if (cached) return cached;
  const result = spawnSync('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`building the Kubernetes binaries failed (exit ${result.status}); see the messages above`);
  }
  const vars = Object.fromEntries(
    result.stdout
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => line.split('=', 2) as [string, string]),
  );
  cached = {
    kubeApiserver: vars.KUBE_APISERVER,
    kubeControllerManager: vars.KUBE_CONTROLLER_MANAGER,
    etcd: vars.ETCD,
    helm: vars.HELM,
  };
  return cached;
}
