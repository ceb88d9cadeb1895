/** Small helpers for tests that talk to the local API server. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiextensionsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { waitFor } from '../cluster/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CRD_FILE = path.join(repoRoot, 'crds', 'modelrollout.io_modeldeployments.yaml');

export function loadKubeConfig(kubeconfig: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return kc;
}

/**
 * Applies the ModelDeployment CRD (server-side, idempotent: CRDs are cluster-wide and shared by
 * every test of a run, so they are never deleted) and waits until it is Established.
 */
export async function installCrds(kubeconfig: string): Promise<void> {
  execFileSync(
    'kubectl',
    ['--kubeconfig', kubeconfig, 'apply', '--server-side', '--force-conflicts', '-f', CRD_FILE],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const ext = loadKubeConfig(kubeconfig).makeApiClient(ApiextensionsV1Api);
  await waitFor('ModelDeployment CRD Established', async () => {
    const crd = await ext.readCustomResourceDefinition({ name: 'modeldeployments.modelrollout.io' });
    return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') || undefined;
  });
}

/** A fresh namespace with a unique name. */
export async function freshNamespace(kubeconfig: string, prefix: string): Promise<string> {
  const name = `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 7)}`.slice(0, 63);
  await loadKubeConfig(kubeconfig)
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name } } });
  return name;
}

/** Creates `name` unless it exists. */
export async function ensureNamespace(kubeconfig: string, name: string): Promise<void> {
  const core = loadKubeConfig(kubeconfig).makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name } } }).catch((error: { code?: number }) => {
    if (error.code !== 409) throw error;
  });
}
