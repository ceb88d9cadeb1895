import path from 'node:path';
import { waitHealthy } from './http-probe.js';
import { freePort } from './ports.js';
import { startProcess, tail, type ManagedProcess } from './process.js';

/** A running single-member etcd on loopback. */
export interface Etcd {
  url: string;
  process: ManagedProcess;
}

export async function startEtcd(binary: string, dir: string): Promise<Etcd> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const [client, peer] = [await freePort(), await freePort()];
    const url = `http://127.0.0.1:${client}`;
    const peerUrl = `http://127.0.0.1:${peer}`;
    const proc = startProcess({
      name: 'etcd',
      dir,
      command: binary,
      args: [
        '--name=local',
        `--data-dir=${path.join(dir, 'etcd')}`,
        `--listen-client-urls=${url}`,
        `--advertise-client-urls=${url}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=local=${peerUrl}`,
        '--unsafe-no-fsync',
        '--log-level=warn',
      ],
    });
    try {
      await waitHealthy('etcd', `${url}/health`, proc.exited, { logFile: proc.logFile, timeoutMs: 30_000 });
      return { url, process: proc };
    } catch (error) {
      lastError = new Error(`${(error as Error).message}\n${tail(proc.logFile)}`);
      await proc.stop('SIGKILL');
    }
  }
  throw lastError;
}
