import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type V1ConfigMap,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import test from 'ava';
import pino from 'pino';
import { waitFor } from '../../../test/cluster/index.js';
import { ResilientInformer } from '../../src/controller/resilient-informer.js';
import { freshNamespace, kubeConfig } from './kube.js';

let kc: KubeConfig;
test.before(async () => {
  kc = await kubeConfig();
});

/** A throwaway CRD of its own per test, so deleting it disturbs nobody. */
function widgetCrd(): V1CustomResourceDefinition & { group: string } {
  const group = `w${process.pid}${Math.random().toString(36).slice(2, 7)}.informer.test`;
  return {
    group,
    metadata: { name: `widgets.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', x_kubernetes_preserve_unknown_fields: true } },
        },
      ],
    },
  };
}

async function createCrd(crd: V1CustomResourceDefinition): Promise<void> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  await api.createCustomResourceDefinition({ body: { metadata: crd.metadata, spec: crd.spec } });
  await waitFor('CRD Established', async () => {
    const got = await api.readCustomResourceDefinition({ name: crd.metadata!.name! });
    return got.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')
      ? true
      : undefined;
  });
}

async function deleteCrd(crd: V1CustomResourceDefinition): Promise<void> {
  const api = kc.makeApiClient(ApiextensionsV1Api);
  await api.deleteCustomResourceDefinition({ name: crd.metadata!.name! });
  await waitFor(
    'CRD gone',
    async () => {
      try {
        await api.readCustomResourceDefinition({ name: crd.metadata!.name! });
        return undefined;
      } catch {
        return true;
      }
    },
    { timeoutMs: 60_000 },
  );
}

function widgetInformer(crd: ReturnType<typeof widgetCrd>, namespace: string) {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const seen: string[] = [];
  let restarts = 0;
  const informer = new ResilientInformer<KubernetesObject>(kc, {
    resource: 'widgets',
    path: `/apis/${crd.group}/v1/namespaces/${namespace}/widgets`,
    list: () =>
      custom.listNamespacedCustomObject({
        group: crd.group,
        version: 'v1',
        namespace,
        plural: 'widgets',
      }) as Promise<KubernetesListObject<KubernetesObject>>,
    onChange: (obj) => seen.push(obj.metadata!.name!),
    logger: pino({ level: 'silent' }),
    initialBackoffMs: 100,
    maxBackoffMs: 1000,
    onRestart: () => restarts++,
  });
  const createWidget = (name: string) =>
    custom.createNamespacedCustomObject({
      group: crd.group,
      version: 'v1',
      namespace,
      plural: 'widgets',
      body: { apiVersion: `${crd.group}/v1`, kind: 'Widget', metadata: { name } },
    });
  return { informer, seen, restarts: () => restarts, createWidget };
}

test('an informer whose list fails keeps restarting and syncs once the resource exists', async (t) => {
  const namespace = await freshNamespace(kc, 'informer');
  const crd = widgetCrd();
  const { informer, seen, restarts, createWidget } = widgetInformer(crd, namespace);
  await informer.start();
  t.false(informer.hasSynced, 'the list failed (404): not synced');
  await waitFor('two restarts', () => (restarts() >= 2 ? true : undefined));
  await createCrd(crd);
  await createWidget('first');
  await informer.waitForSync();
  await waitFor('first widget seen', () => (informer.get('first', namespace) ? true : undefined));
  t.true(seen.includes('first'));
  await informer.stop();
  await deleteCrd(crd);
});

test('an informer whose watch stops on an error restarts and catches up', async (t) => {
  const namespace = await freshNamespace(kc, 'informer');
  const crd = widgetCrd();
  await createCrd(crd);
  const { informer, restarts, createWidget } = widgetInformer(crd, namespace);
  await createWidget('before');
  await informer.start();
  t.true(informer.hasSynced);
  t.truthy(informer.get('before', namespace));
  await deleteCrd(crd); // the watch ends; its relist gets 404 and the informer stops on the error
  await waitFor('a restart after the error', () => (restarts() >= 1 ? true : undefined), {
    timeoutMs: 60_000,
  });
  await createCrd(crd);
  await createWidget('after');
  await waitFor('the restarted informer to see the new widget', () =>
    informer.get('after', namespace) ? true : undefined,
  );
  t.is(informer.get('before', namespace), undefined, 'the relist dropped what was deleted with the CRD');
  t.true(informer.hasSynced);
  await informer.stop();
  await deleteCrd(crd);
});

test('stop cancels a pending restart', async (t) => {
  const namespace = await freshNamespace(kc, 'informer');
  const { informer, restarts } = widgetInformer(widgetCrd(), namespace);
  await informer.start();
  await waitFor('one restart', () => (restarts() >= 1 ? true : undefined));
  await informer.stop();
  const after = restarts();
  await new Promise((resolve) => setTimeout(resolve, 1500)); // longer than the max backoff
  t.is(restarts(), after, 'no restart after stop');
});

test('cached objects are kept without managedFields', async (t) => {
  const namespace = await freshNamespace(kc, 'informer');
  const core = kc.makeApiClient(CoreV1Api);
  const informer = new ResilientInformer<KubernetesObject>(kc, {
    resource: 'configmaps',
    path: `/api/v1/namespaces/${namespace}/configmaps`,
    list: () => core.listNamespacedConfigMap({ namespace }),
    onChange: () => undefined,
    logger: pino({ level: 'silent' }),
  });
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const apply = (name: string) =>
    objects.patch<V1ConfigMap>(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { a: '1' } },
      undefined,
      undefined,
      'informer-test',
      true,
      PatchStrategy.ServerSideApply,
    );
  const created = await apply('slim');
  t.truthy(created.metadata?.managedFields, 'server-side apply records managedFields');
  await informer.start();
  await apply('slim-later');
  await waitFor('both ConfigMaps cached', () => (informer.get('slim-later', namespace) ? true : undefined));
  t.is(informer.get('slim', namespace)?.metadata?.managedFields, undefined, 'listed object');
  t.is(informer.get('slim-later', namespace)?.metadata?.managedFields, undefined, 'watched object');
  t.is((informer.get('slim', namespace) as { data?: { a: string } }).data?.a, '1', 'the rest is kept');
  await informer.stop();
});
