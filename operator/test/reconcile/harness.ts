/** One ModelDeployment under a real reconciler on the shared API server, driven step by step by a test. */
import { AppsV1Api, CoreV1Api, KubernetesObjectApi, type KubeConfig } from '@kubernetes/client-node';
import type { ModelDeployment, ModelDeploymentSpec } from '../../src/api/types.js';
import { KubeEventRecorder } from '../../src/reconcile/events.js';
import { reuseConnections } from '../../src/reconcile/keep-alive.js';
import { ClientNodeKube } from '../../src/reconcile/kube-client.js';
import type { KubeAccess } from '../../src/reconcile/kube.js';
import { ModelDeploymentReconciler } from '../../src/reconcile/reconciler.js';
import { createTrafficRouterFactory } from '../../src/traffic/factory.js';
import type { TrafficRouter, TrafficState } from '../../src/traffic/types.js';
import {
  customObjects,
  freshNamespace,
  installCrd,
  kubeConfig,
  makeDeploymentReady,
  modelDeploymentObject,
  ScriptedAnalyzer,
  TestClock,
} from './cluster.js';

export const SEC = 1000;

export function testSpec(version: string, extra: Partial<ModelDeploymentSpec> = {}): ModelDeploymentSpec {
  return {
    model: {
      version,
      image: `registry.example/model-server:${version}`,
      artifact: { uri: `/models/${version}.json` },
    },
    strategy: {
      shadow: { duration: '1m' },
      canary: { steps: [20, 60], stepDuration: '1m' },
      progressDeadline: '5m',
    },
    analysis: {
      interval: '30s',
      failureLimit: 2,
      inconclusiveLimit: 3,
      prometheus: { address: 'http://prometheus:9090' },
    },
    router: { replicas: 1 },
    predictionStore: { secretRef: { name: 'house-price-db' } },
    ...extra,
  };
}

/** Wraps a TrafficRouter, remembering the last state applied. */
export class RecordingRouter implements TrafficRouter {
  last: TrafficState | undefined;
  constructor(private readonly inner: TrafficRouter) {}
  async apply(state: TrafficState) {
    this.last = state;
    await this.inner.apply(state);
  }
  current(namespace: string, name: string) {
    return this.inner.current(namespace, name);
  }
}

export interface Harness {
  kc: KubeConfig;
  namespace: string;
  name: string;
  clock: TestClock;
  analyzer: ScriptedAnalyzer;
  router: RecordingRouter;
  kube: KubeAccess;
  reconcile(): Promise<{ requeueAfterMs?: number }>;
  get(): Promise<ModelDeployment>;
  patch(body: { metadata?: object; spec?: object }): Promise<unknown>;
  ready(deployment: 'master' | 'candidate' | 'router'): Promise<void>;
  deploymentExists(deployment: 'master' | 'candidate' | 'router'): Promise<boolean>;
  eventReasons(): Promise<string[]>;
}

/** Creates a namespace and a ModelDeployment, and a reconciler for it (with `kube` wrappable). */
export async function harness(
  prefix: string,
  spec: ModelDeploymentSpec,
  wrapKube: (kube: KubeAccess) => KubeAccess = (k) => k,
): Promise<Harness> {
  const kc = await kubeConfig();
  await installCrd(kc);
  const namespace = await freshNamespace(kc, prefix);
  const name = 'house-price';
  const objects = customObjects(kc);
  await objects.create(modelDeploymentObject(namespace, name, spec));
  const clock = new TestClock();
  const analyzer = new ScriptedAnalyzer();
  const router = new RecordingRouter(
    createTrafficRouterFactory(KubernetesObjectApi.makeApiClient(kc))('router'),
  );
  const kube = wrapKube(new ClientNodeKube(reuseConnections(kc)));
  const reconciler = new ModelDeploymentReconciler({
    kube,
    analyzer,
    routers: () => router,
    events: new KubeEventRecorder(kube, clock),
    clock,
  });
  const apps = kc.makeApiClient(AppsV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const deploymentName = (d: 'master' | 'candidate' | 'router') => (d === 'router' ? name : `${name}-${d}`);
  return {
    kc,
    namespace,
    name,
    clock,
    analyzer,
    router,
    kube,
    reconcile: () => reconciler.reconcile(`${namespace}/${name}`),
    get: () => objects.get(namespace, name),
    patch: (body) => objects.patch(namespace, name, body),
    ready: (d) => makeDeploymentReady(kc, namespace, deploymentName(d)),
    deploymentExists: async (d) => {
      try {
        await apps.readNamespacedDeployment({ namespace, name: deploymentName(d) });
        return true;
      } catch (err) {
        if ((err as { code?: number }).code === 404) return false;
        throw err;
      }
    },
    eventReasons: async () => {
      const list = await core.listNamespacedEvent({
        namespace,
        fieldSelector: `involvedObject.kind=ModelDeployment,involvedObject.name=${name}`,
      });
      return list.items
        .sort((a, b) => String(a.metadata?.name).localeCompare(String(b.metadata?.name)))
        .map((e) => e.reason!);
    },
  };
}
