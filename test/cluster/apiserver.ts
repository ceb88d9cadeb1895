import fs from 'node:fs';
import path from 'node:path';
import type { Pki } from './certs.js';
import { waitHealthy } from './http-probe.js';
import { freePort } from './ports.js';
import { startProcess, tail, type ManagedProcess } from './process.js';

/** A running kube-apiserver on loopback, its URL and process. */
export interface ApiServer {
  url: string;
  process: ManagedProcess;
}

export async function startApiServer(
  binary: string,
  dir: string,
  etcdUrl: string,
  pki: Pki,
): Promise<ApiServer> {
  const certDir = path.join(dir, 'apiserver-certs');
  fs.mkdirSync(certDir, { recursive: true });
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const url = `https://127.0.0.1:${port}`;
    const proc = startProcess({
      name: 'kube-apiserver',
      dir,
      command: binary,
      args: [
        `--etcd-servers=${etcdUrl}`,
        '--bind-address=127.0.0.1',
        `--secure-port=${port}`,
        '--advertise-address=127.0.0.1',
        `--cert-dir=${certDir}`,
        `--tls-cert-file=${pki.serverCert}`,
        `--tls-private-key-file=${pki.serverKey}`,
        `--client-ca-file=${pki.caCert}`,
        `--service-account-issuer=${url}`,
        `--service-account-key-file=${pki.saPub}`,
        `--service-account-signing-key-file=${pki.saKey}`,
        '--service-cluster-ip-range=10.0.0.0/16',
        '--authorization-mode=Node,RBAC',
        // No admission controller creates ServiceAccount tokens for pods here (no kubelet).
        '--disable-admission-plugins=ServiceAccount',
        '--allow-privileged=true',
        '--endpoint-reconciler-type=none',
        '--v=0',
      ],
    });
    try {
      await waitHealthy('kube-apiserver', `${url}/readyz`, proc.exited, {
        ca: fs.readFileSync(pki.caCert),
        logFile: proc.logFile,
        timeoutMs: 90_000,
      });
      return { url, process: proc };
    } catch (error) {
      lastError = new Error(`${(error as Error).message}\n${tail(proc.logFile)}`);
      await proc.stop('SIGKILL');
    }
  }
  throw lastError;
}
