import fs from 'node:fs';
import path from 'node:path';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  KubeConfig,
  loadYaml,
  type V1CustomResourceDefinition,
  type V1OwnerReference,
} from '@kubernetes/client-node';
import { sharedControlPlane, waitFor } from '../../../test/cluster/index.js';

/** A KubeConfig for the shared control plane's API server. */
export async function kubeConfig(): Promise<KubeConfig> {
  const plane = await sharedControlPlane();
  const kc = new KubeConfig();
  kc.loadFromFile(plane.kubeconfig);
  return kc;
}

/** Creates a fresh namespace for one test. */
export async function freshNamespace(kc: KubeConfig, prefix: string): Promise<string> {
  const name = `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 7)}`;
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
  return name;
}

/** A ConfigMap standing in as owner, so ownerReferences point at an object that exists. */
export async function ownerIn(kc: KubeConfig, namespace: string, name = 'owner'): Promise<V1OwnerReference> {
  const cm = await kc
    .makeApiClient(CoreV1Api)
    .createNamespacedConfigMap({ namespace, body: { metadata: { name } } });
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    name,
    uid: cm.metadata!.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Creates (or keeps) the CRDs of YAML files and waits until they are Established. */
export async function installCrds(kc: KubeConfig, files: string[]): Promise<void> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  for (const file of files) {
    // loadYaml maps `x-kubernetes-*` keys to the typed model, so the serializer keeps them.
    const crd = loadYaml<V1CustomResourceDefinition>(fs.readFileSync(file, 'utf8'));
    try {
      await api.createCustomResourceDefinition({ body: crd });
    } catch (err) {
      if ((err as { code?: number }).code !== 409) throw err;
    }
    await waitFor(`CRD ${crd.metadata!.name} Established`, async () => {
      const got = await api.readCustomResourceDefinition({ name: crd.metadata!.name! });
      return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')
        ? true
        : undefined;
    });
  }
}

/** Paths of the Gateway API CRD fixtures. */
export function gatewayApiCrdFiles(): string[] {
  const dir = path.resolve(import.meta.dirname, '../../../test/fixtures/gateway-api');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => path.join(dir, f));
}
