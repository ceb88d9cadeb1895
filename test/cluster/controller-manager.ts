import type { Pki } from './certs.js';
import { waitHealthy } from './http-probe.js';
import { freePort } from './ports.js';
import { startProcess, tail, type ManagedProcess } from './process.js';

/**
 * The controllers a cluster needs for Deployments, garbage collection and namespaces. The endpoint
 * controllers are left out: pods here have loopback IPs, which the API server refuses in
 * Endpoints/EndpointSlices; the local pod runner routes Services from ready pods itself.
 */
export const CONTROLLERS = [
  'deployment-controller',
  'replicaset-controller',
  'garbage-collector-controller',
  'namespace-controller',
  'serviceaccount-controller',
  'serviceaccount-token-controller',
];

export async function startControllerManager(
  binary: string,
  dir: string,
  kubeconfig: string,
  pki: Pki,
): Promise<ManagedProcess> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const proc = startProcess({
      name: 'kube-controller-manager',
      dir,
      command: binary,
      args: [
        `--kubeconfig=${kubeconfig}`,
        `--authentication-kubeconfig=${kubeconfig}`,
        `--authorization-kubeconfig=${kubeconfig}`,
        '--leader-elect=false',
        '--bind-address=127.0.0.1',
        `--secure-port=${port}`,
        `--controllers=${CONTROLLERS.join(',')}`,
        `--service-account-private-key-file=${pki.saKey}`,
        `--root-ca-file=${pki.caCert}`,
        '--use-service-account-credentials=false',
        '--concurrent-deployment-syncs=10',
        '--v=0',
      ],
    });
    try {
      await waitHealthy('kube-controller-manager', `https://127.0.0.1:${port}/healthz`, proc.exited, {
        insecure: true, // its self-signed serving cert; this probe carries no secret
        logFile: proc.logFile,
        timeoutMs: 60_000,
      });
      return proc;
    } catch (error) {
      lastError = new Error(`${(error as Error).message}\n${tail(proc.logFile)}`);
      await proc.stop('SIGKILL');
    }
  }
  throw lastError;
}
