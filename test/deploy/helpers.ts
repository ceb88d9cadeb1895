/** Shared pieces of the deployment tests: paths, process runner, helm and kubectl against the plane. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';
import { ensureKubeBinaries, sharedControlPlane, waitFor } from '../cluster/index.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CHART = path.join(ROOT, 'helm/modelrollout');
export const MANIFESTS = path.join(ROOT, 'manifests');

/**
 * A node selector no node matches: the pods the tests create are admitted and stay Pending, so no
 * local pod runner tries to run operator or model-server images that do not exist here.
 */
export const NO_NODE = { 'modelrollout.io/test-no-node': 'true' };

/** A Kubernetes object as rendered by helm or read from YAML. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: unknown;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion without a shell; never throws for a non-zero exit. */
export function run(
  command: string,
  args: string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      }),
    );
    child.stdin.end(opts.input ?? '');
  });
}

/** Like run(), but throws with the command's stderr when it fails. */
export async function runOk(
  command: string,
  args: string[],
  opts: Parameters<typeof run>[2] = {},
): Promise<string> {
  const result = await run(command, args, opts);
  if (result.code !== 0) {
    throw new Error(
      `${path.basename(command)} ${args.join(' ')} exited ${result.code}:\n${result.stderr}${result.stdout}`,
    );
  }
  return result.stdout;
}

/** The helm binary built into the cache. */
export function helmBinary(): string {
  return ensureKubeBinaries().helm;
}

/** A name unique to this process and moment, valid as a namespace or release name. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid.toString(36)}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1296).toString(36)}`;
}

/** Parses a multi-document YAML stream, skipping empty documents. */
export function parseObjects(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`invalid YAML: ${doc.errors[0].message}`);
      return doc.toJS() as KubeObject | null;
    })
    .filter((obj): obj is KubeObject => obj !== null && typeof obj === 'object');
}

export function toYamlStream(objects: KubeObject[]): string {
  return objects.map((o) => stringify(o)).join('---\n');
}

/** Renders the chart; `values` are `--set`-style assignments, `files` extra values files. */
export async function helmTemplate(
  release: string,
  namespace: string,
  values: string[] = [],
  opts: { includeCrds?: boolean; setJson?: string[] } = {},
): Promise<KubeObject[]> {
  const args = ['template', release, CHART, '--namespace', namespace];
  if (opts.includeCrds) args.push('--include-crds');
  for (const v of values) args.push('--set', v);
  for (const v of opts.setJson ?? []) args.push('--set-json', v);
  return parseObjects(await runOk(helmBinary(), args));
}

/** Finds exactly one object of `kind` (and `name` when given). */
export function findOne(objects: KubeObject[], kind: string, name?: string): KubeObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1)
    throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0];
}

/** kubectl and helm bound to the shared plane's admin kubeconfig. */
export async function cluster() {
  const plane = await sharedControlPlane();
  const kubeconfig = plane.kubeconfig;
  const kubectl = (args: string[], input?: string) =>
    run('kubectl', ['--kubeconfig', kubeconfig, ...args], { input });
  const kubectlOk = (args: string[], input?: string) =>
    runOk('kubectl', ['--kubeconfig', kubeconfig, ...args], { input });
  const helm = (args: string[]) => run(helmBinary(), ['--kubeconfig', kubeconfig, ...args]);
  /** Waits until a just-applied CRD is Established (its conditions may not exist yet at first). */
  async function waitEstablished(crd: string): Promise<void> {
    await waitFor(`${crd} Established`, async () => {
      const out = await kubectl([
        'get',
        crd,
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Established")].status}',
      ]);
      return out.stdout.trim() === 'True' ? true : undefined;
    });
  }
  return {
    plane,
    kubeconfig,
    kubectl,
    kubectlOk,
    helm,
    /** Creates a namespace (with labels); returns its name. */
    async createNamespace(name: string, labels: Record<string, string> = {}): Promise<string> {
      const manifest = { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
      await kubectlOk(['create', '-f', '-'], JSON.stringify(manifest));
      return name;
    },
    /** Deletes namespaces without waiting for them to terminate. */
    async deleteNamespaces(...names: string[]): Promise<void> {
      if (names.length > 0)
        await kubectl(['delete', 'namespace', '--wait=false', '--ignore-not-found', ...names]);
    },
    async ensureCrds(): Promise<void> {
      for (const file of fs.readdirSync(path.join(ROOT, 'crds')).filter((f) => f.endsWith('.yaml'))) {
        await kubectlOk(['apply', '--server-side', '--force-conflicts', '-f', path.join(ROOT, 'crds', file)]);
      }
      await waitEstablished('crd/modeldeployments.modelrollout.io');
    },
    /** Installs the Gateway API HTTPRoute CRD of test/fixtures (idempotent, never deleted). */
    async ensureHttpRouteCrd(): Promise<void> {
      const file = path.join(ROOT, 'test/fixtures/gateway-api/gateway.networking.k8s.io_httproutes.yaml');
      await kubectlOk(['apply', '--server-side', '--force-conflicts', '-f', file]);
      await waitEstablished('crd/httproutes.gateway.networking.k8s.io');
    },
  };
}

export type Cluster = Awaited<ReturnType<typeof cluster>>;
