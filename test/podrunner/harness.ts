/**
 * Test support: a pod runner on the shared control plane serving the namespaces of one test
 * file, plus a tiny HTTP server to run as a container and helpers to read what happened.
 */
import http from 'node:http';
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  type V1Container,
  type V1Deployment,
} from '@kubernetes/client-node';
import { sharedControlPlane, waitFor, type ControlPlane } from '../cluster/index.js';
import { startPodRunner, type PodRunner } from './index.js';

/** A container server: `/` answers JSON about itself; `/ready` its readiness; `/unready`, `/exit` change it. */
export const TINY_SERVER = `
const http = require('node:http');
let ready = true;
http.createServer((req, res) => {
  if (req.url === '/ready') { res.statusCode = ready ? 200 : 503; return res.end(); }
  if (req.url === '/unready') { ready = false; return res.end('ok'); }
  if (req.url === '/exit') { res.end('bye'); return setTimeout(() => process.exit(3), 20); }
  if (req.url === '/metrics') {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    return res.end('# TYPE tiny_up gauge\\ntiny_up 1\\n');
  }
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ pod: process.env.POD_NAME, pid: process.pid, env: process.env, argv: process.argv }));
}).listen(Number(process.env.PORT), process.env.HOST);
process.on('SIGTERM', () => process.exit(0));
`;

/** Image whose entrypoint (in the harness's runner) is TINY_SERVER followed by the container's args. */
export const ENTRYPOINT_IMAGE = 'example.invalid/tiny-entrypoint';

export interface Harness {
  plane: ControlPlane;
  runner: PodRunner;
  core: CoreV1Api;
  apps: AppsV1Api;
  /** A fresh namespace served by this runner. */
  namespace(): Promise<string>;
  /** Deletes the namespaces, waits (briefly) for their pods to go, stops the runner. */
  close(): Promise<void>;
}

export async function startHarness(tag: string): Promise<Harness> {
  const plane = await sharedControlPlane();
  const kc = new KubeConfig();
  kc.loadFromFile(plane.kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const prefix = `pr${process.pid}-${tag}`;
  const runner = await startPodRunner({
    kubeconfig: plane.kubeconfig,
    stateDir: plane.dir,
    prometheus: plane.prometheus,
    prometheusJob: `pods-${prefix}`,
    namespaces: (ns) => ns.startsWith(`${prefix}-`),
    entrypoints: { [ENTRYPOINT_IMAGE]: [process.execPath, '-e', TINY_SERVER, '--'] },
  });
  const created: string[] = [];
  return {
    plane,
    runner,
    core,
    apps: kc.makeApiClient(AppsV1Api),
    async namespace() {
      const name = `${prefix}-${created.length + 1}`;
      created.push(name);
      await core.createNamespace({ body: { metadata: { name } } });
      return name;
    },
    async close() {
      await Promise.all(created.map((name) => core.deleteNamespace({ name }).catch(() => undefined)));
      const gone = () => (runner.pods().length === 0 ? true : undefined);
      await waitFor('pods of deleted namespaces to go', gone, { timeoutMs: 20_000 }).catch(() => undefined);
      await runner.stop();
    },
  };
}

/** A Deployment running TINY_SERVER on port 8080 with a readiness probe on /ready. */
export function tinyDeployment(
  name: string,
  replicas: number,
  container: Partial<V1Container> = {},
): V1Deployment {
  const labels = { app: name };
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: 5,
          containers: [
            {
              name: 'web',
              image: 'example.invalid/tiny:1',
              command: ['node', '-e', TINY_SERVER],
              ports: [{ name: 'http', containerPort: 8080 }],
              readinessProbe: {
                httpGet: { path: '/ready', port: 'http' },
                periodSeconds: 1,
                failureThreshold: 1,
              },
              ...container,
            },
          ],
        },
      },
    },
  };
}

/** GET over a fresh connection (so that each request goes through the proxy's balancing). */
export function get(address: string, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`http://${address}${path}`, { agent: false, timeout: 2_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${address}${path} timed out`)));
    req.on('error', reject);
  });
}

/** Polls the Deployment until `accept` holds for it. */
export function waitForDeployment(
  h: Harness,
  namespace: string,
  name: string,
  what: string,
  accept: (d: V1Deployment) => boolean,
  timeoutMs = 30_000,
): Promise<V1Deployment> {
  return waitFor(
    `Deployment ${namespace}/${name} ${what}`,
    async () => {
      const d = await h.apps.readNamespacedDeployment({ namespace, name });
      return accept(d) ? d : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
}

/** True while a process with this pid exists (and is not a zombie). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
