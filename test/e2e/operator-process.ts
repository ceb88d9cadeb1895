/** The operator as a separate process, the way a cluster runs it (killable with SIGKILL). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startProcess, waitFor, type ManagedProcess } from '../cluster/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A running operator process and where its HTTP endpoints are. */
export interface OperatorProcess {
  process: ManagedProcess;
  metricsUrl: string;
  /** SIGTERM and wait (or SIGKILL right away with `kill`). */
  stop(kill?: boolean): Promise<void>;
}

export async function startOperator(opts: {
  kubeconfig: string;
  stateDir: string;
  namespace?: string;
  name?: string;
  extraArgs?: string[];
}): Promise<OperatorProcess> {
  const port = await freePort();
  const name = opts.name ?? 'operator';
  const proc = startProcess({
    name,
    dir: opts.stateDir,
    cwd: repoRoot,
    command: process.execPath,
    args: [
      '--import=tsx',
      path.join(repoRoot, 'operator/src/main.ts'),
      `--kubeconfig=${opts.kubeconfig}`,
      `--metrics-port=${port}`,
      `--health-port=${port}`,
      '--bind-address=127.0.0.1',
      '--leader-elect',
      `--lease-namespace=${opts.namespace ?? 'default'}`,
      ...(opts.namespace ? [`--namespace=${opts.namespace}`] : []),
      ...(opts.extraArgs ?? []),
    ],
  });
  let exited = false;
  void proc.exited.then(() => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    `the operator (${name}) to be ready`,
    async () => {
      if (exited) throw new Error(`the operator exited; log: ${proc.logFile}`);
      const res = await fetch(`${url}/readyz`).catch(() => undefined);
      return res?.ok ? true : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 250 },
  );
  return {
    process: proc,
    metricsUrl: `${url}/metrics`,
    stop: (kill = false) => proc.stop(kill ? 'SIGKILL' : 'SIGTERM', 15_000),
  };
}
