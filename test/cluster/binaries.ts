import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Paths of the cached Kubernetes binaries. */
export interface KubeBinaries {
  kubeApiserver: string;
  kubeControllerManager: string;
  etcd: string;
  helm: string;
}

const script = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../scripts/build-kube-binaries.sh',
);
let cached: KubeBinaries | undefined;
const CACHE_MARKER_DIR =
  process.env.MODELROLLOUT_CACHE ??
  path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'modelrollout');

/**
 * Builds the binaries that are missing from the cache (progress goes to stderr) and returns their
 * paths. A warm cache answers in milliseconds.
 */
export function ensureKubeBinaries(): KubeBinaries {
  if (cached) return cached;
  // A cold build takes minutes: show its progress; a warm cache stays quiet.
  const cold = !fs.existsSync(CACHE_MARKER_DIR) || fs.readdirSync(CACHE_MARKER_DIR).length < 3;
  const result = spawnSync('bash', [script], {
    stdio: ['ignore', 'pipe', cold ? 'inherit' : 'pipe'],
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(
      `building the Kubernetes binaries failed (exit ${result.status}):\n${result.stderr ?? ''}`,
    );
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
