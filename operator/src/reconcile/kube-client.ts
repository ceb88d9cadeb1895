/** KubeAccess over @kubernetes/client-node (the only reconcile file that talks to the API server). */
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  type CoreV1Event,
  type KubeConfig,
  type KubernetesObject,
  type V1Deployment,
} from '@kubernetes/client-node';
import { FIELD_MANAGER, GROUP, PLURAL, VERSION } from '../api/group.js';
import type { ModelDeployment } from '../api/types.js';
import { applyManifest, inTurn, readOrNull } from '../traffic/labels.js';
import { ConflictError, type KubeAccess, type ObjectRef } from './kube.js';

function code(err: unknown): number | undefined {
  return (err as { code?: number })?.code;
}

async function orNull<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (err) {
    if (code(err) === 404) return null;
    throw err;
  }
}

async function guarded<T>(write: Promise<T>, what: string): Promise<T> {
  try {
    return await write;
  } catch (err) {
    if (code(err) === 409) throw new ConflictError(`${what}: the object changed since it was read`);
    throw err;
  }
}

export class ClientNodeKube implements KubeAccess {
  private readonly objects: KubernetesObjectApi;
  private readonly custom: CustomObjectsApi;
  private readonly apps: AppsV1Api;
  private readonly core: CoreV1Api;

  constructor(kc: KubeConfig) {
    this.objects = KubernetesObjectApi.makeApiClient(kc);
    this.custom = kc.makeApiClient(CustomObjectsApi);
    this.apps = kc.makeApiClient(AppsV1Api);
    this.core = kc.makeApiClient(CoreV1Api);
  }

  async getModelDeployment(namespace: string, name: string): Promise<ModelDeployment | null> {
    const read = this.custom.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      plural: PLURAL,
      namespace,
      name,
    });
    return (await orNull(read)) as ModelDeployment | null;
  }

  async setFinalizers(md: ModelDeployment, finalizers: string[]): Promise<ModelDeployment> {
    const { name, namespace, resourceVersion } = md.metadata;
    const patch = {
      apiVersion: md.apiVersion,
      kind: md.kind,
      metadata: { name, namespace, resourceVersion, finalizers },
    };
    const write = inTurn(this.objects, patch, () =>
      this.objects.patch(patch, undefined, undefined, FIELD_MANAGER, undefined, PatchStrategy.MergePatch),
    );
    return (await guarded(write, `finalizers of ${namespace}/${name}`)) as unknown as ModelDeployment;
  }

  async replaceStatus(md: ModelDeployment): Promise<ModelDeployment> {
    const { name, namespace } = md.metadata;
    const write = this.custom.replaceNamespacedCustomObjectStatus({
      group: GROUP,
      version: VERSION,
      plural: PLURAL,
      namespace,
      name,
      body: md,
      fieldManager: FIELD_MANAGER,
    });
    return (await guarded(write, `status of ${namespace}/${name}`)) as ModelDeployment;
  }

  getDeployment(namespace: string, name: string): Promise<V1Deployment | null> {
    return orNull(this.apps.readNamespacedDeployment({ namespace, name }));
  }

  read(ref: ObjectRef): Promise<KubernetesObject | null> {
    const { apiVersion, kind, namespace, name } = ref;
    return readOrNull(this.objects, { apiVersion, kind, metadata: { name, namespace } });
  }

  async apply(obj: KubernetesObject): Promise<void> {
    await applyManifest(this.objects, obj, FIELD_MANAGER);
  }

  async delete(ref: ObjectRef): Promise<void> {
    const spec = {
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      metadata: { name: ref.name, namespace: ref.namespace },
    };
    await orNull(
      inTurn(this.objects, spec, () =>
        this.objects.delete(spec, undefined, undefined, undefined, undefined, 'Background'),
      ),
    );
  }

  async createEvent(event: CoreV1Event): Promise<void> {
    await this.core.createNamespacedEvent({ namespace: event.metadata.namespace!, body: event });
  }
}
