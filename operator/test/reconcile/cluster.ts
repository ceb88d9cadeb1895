/**
 * Test helpers on the shared control plane's real API server: the CRD, fresh namespaces, a fake
 * kubelet that marks pods ready (no kubelet runs there; the real deployment and replicaset
 * controllers then compute the Deployment status), a settable clock and a scripted Analyzer.
 */
import dc from 'node:diagnostics_channel';
import fs from 'node:fs';
import type { ClientRequest } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  loadYaml,
  type KubernetesObject,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { sharedControlPlane, waitFor } from '../../../test/cluster/index.js';
import type { AnalysisResult, AnalysisTarget, Analyzer, Verdict } from '../../src/analysis/types.js';
import { GROUP, PLURAL, VERSION } from '../../src/api/group.js';
import type { ModelDeployment, ModelDeploymentSpec } from '../../src/api/types.js';
import { observeWorkload } from '../../src/reconcile/observe.js';

export const CRD_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../crds/modelrollout.io_modeldeployments.yaml',
);

export async function kubeConfig(): Promise<KubeConfig> {
  const plane = await sharedControlPlane();
  const kc = new KubeConfig();
  kc.loadFromFile(plane.kubeconfig);
  return kc;
}

/**
 * Server-side applies the CRD (so a changed file replaces an older install), then waits until it
 * is Established and its validation rules are in force.
 */
export async function installCrd(kc: KubeConfig): Promise<V1CustomResourceDefinition> {
  // loadYaml, not YAML.parse: client-node serializes by its typed model, which would silently drop
  // JSON names it does not know (`default`, `x-kubernetes-validations`) from a plain object.
  const crd = loadYaml<V1CustomResourceDefinition>(fs.readFileSync(CRD_FILE, 'utf8'));
  await KubernetesObjectApi.makeApiClient(kc).patch(
    crd,
    undefined,
    undefined,
    'modelrollout-tests',
    true,
    PatchStrategy.ServerSideApply,
  );
  const api = kc.makeApiClient(ApiextensionsV1Api);
  const established = await waitFor(
    'CRD Established',
    async () => {
      const got = await api.readCustomResourceDefinition({ name: crd.metadata!.name! });
      return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')
        ? got
        : undefined;
    },
    { timeoutMs: 30_000 },
  );
  // An updated schema takes a moment to reach the request handlers: wait until a bad object is refused.
  const probe = modelDeploymentObject('default', 'crd-probe', {
    model: { version: '1', image: 'i', artifact: { uri: '/m.json' } },
    strategy: { canary: { steps: [50, 10] } },
    analysis: { prometheus: { address: 'http://p:9090' } },
  });
  const custom = kc.makeApiClient(CustomObjectsApi);
  await waitFor('CRD validation in force', async () => {
    try {
      await custom.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        plural: PLURAL,
        namespace: 'default',
        body: probe,
        dryRun: 'All',
      });
      return undefined;
    } catch (err) {
      return /strictly ascending/.test(apiMessage(err)) ? true : undefined;
    }
  });
  return established;
}

export async function freshNamespace(kc: KubeConfig, prefix: string): Promise<string> {
  const name = `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 7)}`;
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
  return name;
}

export function modelDeploymentObject(
  namespace: string,
  name: string,
  spec: ModelDeploymentSpec,
): ModelDeployment {
  return { apiVersion: `${GROUP}/${VERSION}`, kind: 'ModelDeployment', metadata: { name, namespace }, spec };
}

export function customObjects(kc: KubeConfig) {
  const api = kc.makeApiClient(CustomObjectsApi);
  const at = (namespace: string) => ({ group: GROUP, version: VERSION, plural: PLURAL, namespace });
  return {
    create: (md: ModelDeployment) =>
      api.createNamespacedCustomObject({
        ...at(md.metadata.namespace),
        body: md,
      }) as Promise<ModelDeployment>,
    get: (namespace: string, name: string) =>
      api.getNamespacedCustomObject({ ...at(namespace), name }) as Promise<ModelDeployment>,
    delete: (namespace: string, name: string) => api.deleteNamespacedCustomObject({ ...at(namespace), name }),
    /** JSON merge patch of the main resource (spec, metadata). */
    patch: (namespace: string, name: string, body: { metadata?: object; spec?: object }) =>
      KubernetesObjectApi.makeApiClient(kc).patch(
        {
          apiVersion: `${GROUP}/${VERSION}`,
          kind: 'ModelDeployment',
          ...body,
          metadata: { ...body.metadata, name, namespace },
        } as KubernetesObject,
        undefined,
        undefined,
        'modelrollout-tests',
        undefined,
        PatchStrategy.MergePatch,
      ),
  };
}

/**
 * Plays the kubelet for the pods of one Deployment: reports each as Running and Ready, then waits
 * until the Deployment controller reports the rollout complete.
 */
export async function makeDeploymentReady(kc: KubeConfig, namespace: string, name: string): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  await waitFor(
    `Deployment ${namespace}/${name} ready`,
    async () => {
      const dep = await apps.readNamespacedDeployment({ namespace, name });
      if (observeWorkload(dep).ready) return true;
      const selector = Object.entries(dep.spec!.selector.matchLabels!)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      const pods = await core.listNamespacedPod({ namespace, labelSelector: selector });
      const now = new Date();
      for (const pod of pods.items) {
        if (
          pod.metadata?.deletionTimestamp ||
          pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
        )
          continue;
        const container = pod.spec!.containers[0];
        const status = {
          phase: 'Running',
          conditions: [
            { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
            { type: 'Initialized', status: 'True', lastTransitionTime: now },
            { type: 'ContainersReady', status: 'True', lastTransitionTime: now },
            { type: 'Ready', status: 'True', lastTransitionTime: now },
          ],
          containerStatuses: [
            {
              name: container.name,
              image: container.image!,
              imageID: '',
              ready: true,
              started: true,
              restartCount: 0,
              state: { running: { startedAt: now } },
            },
          ],
          startTime: now,
        };
        await core.replaceNamespacedPodStatus({
          namespace,
          name: pod.metadata!.name!,
          body: { ...pod, status },
        });
      }
      return undefined;
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
}

/** A clock the test moves by hand. */
export class TestClock {
  constructor(public ms = Date.parse('2026-03-01T12:00:00.000Z')) {}
  now = () => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** An Analyzer returning the verdict the test scripts, recording every target it was asked about. */
export class ScriptedAnalyzer implements Analyzer {
  readonly targets: AnalysisTarget[] = [];
  verdict: Verdict = 'pass';

  async analyze(target: AnalysisTarget): Promise<AnalysisResult> {
    this.targets.push(target);
    const value = this.verdict === 'fail' ? 0.3 : this.verdict === 'pass' ? 0.001 : null;
    return {
      time: new Date().toISOString(),
      verdict: this.verdict,
      checks: [
        {
          name: 'errorRate',
          candidate: value,
          master: null,
          threshold: '<= 0.01',
          samples: 250,
          verdict: this.verdict,
        },
      ],
    };
  }
}

/** The message of a refused API request (client-node ApiException body). */
export function apiMessage(err: unknown): string {
  const body = (err as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      return (JSON.parse(body) as { message?: string }).message ?? body;
    } catch {
      return body;
    }
  }
  return (body as { message?: string })?.message ?? String(err);
}

/**
 * Records every HTTP request but a GET that this process sends to `namespace` until `stop()`
 * (as `METHOD path`): the writes, whoever in the process makes them.
 */
export function recordWrites(namespace: string): { writes: string[]; stop(): void } {
  const writes: string[] = [];
  const onRequest = (message: unknown) => {
    const { request } = message as { request: ClientRequest };
    if (request.method !== 'GET' && request.path.includes(`/namespaces/${namespace}/`))
      writes.push(`${request.method} ${request.path.split('?')[0]}`);
  };
  dc.subscribe('http.client.request.start', onRequest);
  return { writes, stop: () => dc.unsubscribe('http.client.request.start', onRequest) };
}
