/**
 * Everything an end-to-end run needs on the local control plane: the CRD, a namespace with the
 * prediction-store Secret, the pod runner, the operator process, and helpers to drive and watch
 * ModelDeployments.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { ModelDeployment, ModelDeploymentSpec, Phase } from '../../operator/src/api/types.js';
import type { ControlPlane } from '../cluster/index.js';
import { sharedControlPlane, waitFor } from '../cluster/index.js';
import { startPodRunner, type PodRunner } from '../podrunner/index.js';
import { ensureNamespace, freshNamespace, installCrds, loadKubeConfig } from '../support/kube.js';
import { startOperator, type OperatorProcess } from './operator-process.js';
import { waitUntilServing } from './traffic.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const target = { group: 'modelrollout.io', version: 'v1alpha1', plural: 'modeldeployments' };

/** The shipped model artifacts and the versions they carry. */
export const MODELS = {
  v1: { version: '1.0.0', file: 'linear-baseline.json' },
  v2: { version: '2.0.0', file: 'default-gbm.json' },
  v3: { version: '3.0.0', file: 'bad-gbm.json' },
} as const;

export function modelSpec(
  model: (typeof MODELS)[keyof typeof MODELS],
  image = 'modelrollout/model-server:0.1.0',
) {
  return {
    version: model.version,
    image,
    artifact: { uri: `file://${path.join(repoRoot, 'model-server/artifacts', model.file)}` },
    replicas: 1,
  };
}

/** A running end-to-end environment in one namespace. */
export interface E2eEnvironment {
  plane: ControlPlane;
  /** The Prometheus that scrapes this environment's pods. */
  prometheusUrl: string;
  namespace: string;
  runner: PodRunner;
  operator: OperatorProcess;
  /** Starts a (second) operator process, e.g. after the first was killed. */
  restartOperator(kill?: boolean): Promise<void>;
  create(name: string, spec: ModelDeploymentSpec): Promise<void>;
  /** Creates the ModelDeployment and waits until its router answers predictions; returns its address. */
  deploy(name: string, spec: ModelDeploymentSpec): Promise<string>;
  get(name: string): Promise<ModelDeployment>;
  patch(name: string, patch: Record<string, unknown>): Promise<void>;
  remove(name: string): Promise<void>;
  /** Waits until `predicate` holds for the ModelDeployment; returns it. */
  waitUntil(
    name: string,
    what: string,
    predicate: (md: ModelDeployment) => boolean,
    timeoutMs?: number,
  ): Promise<ModelDeployment>;
  waitForPhase(name: string, phases: Phase[], timeoutMs?: number): Promise<ModelDeployment>;
  /** Warning/Normal events of an object, as `reason: message`. */
  events(name: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** Options of an environment: a private Prometheus (one a test may stop) instead of the plane's. */
export interface E2eOptions {
  /** A fixed namespace name (created if missing) instead of a fresh random one. */
  namespace?: string;
  prometheus?: { url: string; setTargets: ControlPlane['prometheus']['setTargets'] };
}

export async function startE2e(
  plane: ControlPlane,
  prefix = 'e2e',
  opts: E2eOptions = {},
): Promise<E2eEnvironment> {
  const prometheus = opts.prometheus ?? plane.prometheus;
  await installCrds(plane.kubeconfig);
  const namespace = opts.namespace ?? (await freshNamespace(plane.kubeconfig, prefix));
  if (opts.namespace) await ensureNamespace(plane.kubeconfig, opts.namespace);
  const kc = loadKubeConfig(plane.kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const objects = kc.makeApiClient(CustomObjectsApi);
  await core.createNamespacedSecret({
    namespace,
    body: { metadata: { name: 'prediction-store' }, stringData: { url: plane.postgresUrl } },
  });
  const runner = await startPodRunner({
    kubeconfig: plane.kubeconfig,
    stateDir: plane.dir,
    prometheus,
    prometheusJob: `pods-${namespace}`,
    namespaces: (ns) => ns === namespace,
  });
  const operatorOptions = { kubeconfig: plane.kubeconfig, stateDir: plane.dir, namespace };
  // Prometheus scrapes the operator too (dashboards and alerts use its metrics). No `namespace`
  // target label: the operator's metrics carry the ModelDeployment's namespace themselves.
  const scrapeOperator = (op: OperatorProcess, pod: string) =>
    prometheus.setTargets(`operator-${namespace}`, [
      { address: new URL(op.metricsUrl).host, labels: { pod } },
    ]);
  let operator = await startOperator({ ...operatorOptions, name: `operator-${namespace}` });
  await scrapeOperator(operator, `operator-${namespace}`);
  let generation = 0;
  const get = async (name: string) =>
    (await objects.getNamespacedCustomObject({ ...target, namespace, name })) as ModelDeployment;
  const env: E2eEnvironment = {
    plane,
    prometheusUrl: prometheus.url,
    namespace,
    runner,
    get operator() {
      return operator;
    },
    async restartOperator(kill = false) {
      await operator.stop(kill);
      const name = `operator-${namespace}-${++generation}`;
      operator = await startOperator({ ...operatorOptions, name });
      await scrapeOperator(operator, name);
    },
    async create(name, spec) {
      await objects.createNamespacedCustomObject({
        ...target,
        namespace,
        body: { apiVersion: 'modelrollout.io/v1alpha1', kind: 'ModelDeployment', metadata: { name }, spec },
      });
    },
    async deploy(name, spec) {
      await env.create(name, spec);
      await env.waitUntil(name, 'master ready', (md) => (md.status?.master?.readyReplicas ?? 0) >= 1);
      const address = runner.serviceAddress(namespace, name, 'http');
      await waitUntilServing(address);
      return address;
    },
    get,
    async patch(name, body) {
      await objects.patchNamespacedCustomObject(
        { ...target, namespace, name, body },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    },
    async remove(name) {
      await objects.deleteNamespacedCustomObject({ ...target, namespace, name });
    },
    waitUntil: (name, what, predicate, timeoutMs = 180_000) =>
      waitFor(
        `${namespace}/${name}: ${what}`,
        async () => {
          const md = await get(name);
          return predicate(md) ? md : undefined;
        },
        { timeoutMs, intervalMs: 250 },
      ),
    waitForPhase: (name, phases, timeoutMs) =>
      env.waitUntil(
        name,
        `phase in ${phases.join('|')}`,
        (md) => phases.includes(md.status?.phase as Phase),
        timeoutMs,
      ),
    async events(name) {
      const list = await core.listNamespacedEvent({
        namespace,
        fieldSelector: `involvedObject.name=${name}`,
      });
      return list.items.map((e) => `${e.reason}: ${e.message}`);
    },
    async stop() {
      await operator.stop();
      await runner.stop();
      await core.deleteNamespace({ name: namespace }).catch(() => undefined);
      for (const job of [`pods-${namespace}`, `operator-${namespace}`]) {
        await prometheus.setTargets(job, []).catch(() => undefined);
      }
    },
  };
  return env;
}

/** A ModelDeployment spec with short intervals, suited to end-to-end runs on this machine. */
export function fastSpec(
  env: Pick<E2eEnvironment, 'prometheusUrl'>,
  overrides: Partial<ModelDeploymentSpec> = {},
): ModelDeploymentSpec {
  return {
    model: modelSpec(MODELS.v1),
    strategy: {
      shadow: { duration: '20s', mirrorPercent: 100 },
      canary: { steps: [25, 50], stepDuration: '15s' },
      promotion: 'Automatic',
      progressDeadline: '120s',
    },
    analysis: {
      interval: '5s',
      failureLimit: 3,
      inconclusiveLimit: 6,
      minSampleCount: 30,
      prometheus: { address: env.prometheusUrl },
      checks: [
        { builtin: 'errorRate', max: 0.02 },
        { builtin: 'latencyP99', maxRatioToMaster: 10 },
        // Canary variants see disjoint random subsets: a short window's means differ by ~10% by chance.
        { builtin: 'predictionShift', max: 0.3 },
        { builtin: 'shadowDivergence', quantile: 0.9, max: 0.35 },
      ],
    },
    predictionStore: { secretRef: { name: 'prediction-store', key: 'url' } },
    ...overrides,
  };
}

/** Runs `body` in a fresh end-to-end environment on `plane` (the shared one by default). */
export async function withEnvironment(
  prefix: string,
  body: (env: E2eEnvironment) => Promise<void>,
  opts: E2eOptions = {},
): Promise<void> {
  const env = await startE2e(await sharedControlPlane(), prefix, opts);
  try {
    await body(env);
  } finally {
    await env.stop();
  }
}
