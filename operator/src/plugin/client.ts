/** The plugin's access to ModelDeployments through the Kubernetes API. */
import {
  ApiException,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { GROUP, PLURAL, VERSION } from '../api/group.js';
import type { ModelDeployment } from '../api/types.js';

/** Reads and patches ModelDeployments in one namespace. */
export interface ModelDeploymentClient {
  readonly namespace: string;
  /** The named ModelDeployment; throws a readable error when it does not exist. */
  get(name: string): Promise<ModelDeployment>;
  list(): Promise<ModelDeployment[]>;
  /** Applies a JSON merge patch to the named ModelDeployment. */
  patch(name: string, patch: Record<string, unknown>): Promise<ModelDeployment>;
}

export function kubeClient(opts: {
  kubeconfig?: string;
  namespace?: string;
  context?: string;
}): ModelDeploymentClient {
  const kc = new KubeConfig();
  if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
  else kc.loadFromDefault();
  if (opts.context) kc.setCurrentContext(opts.context);
  const namespace = opts.namespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
  const api = kc.makeApiClient(CustomObjectsApi);
  const target = { group: GROUP, version: VERSION, namespace, plural: PLURAL };
  const explain = (error: unknown, name?: string): Error => {
    if (error instanceof ApiException && error.code === 404 && name) {
      return new Error(`modeldeployment "${name}" not found in namespace "${namespace}"`);
    }
    if (error instanceof ApiException && error.code === 404) {
      return new Error(`the ModelDeployment resource is not installed on this cluster (apply crds/ first)`);
    }
    if (error instanceof ApiException) {
      let message = String(error.body);
      try {
        message = (JSON.parse(String(error.body)) as { message?: string }).message ?? message;
      } catch {
        /* body is not a Status */
      }
      return new Error(`the API server refused (HTTP ${error.code}): ${message}`);
    }
    return error instanceof Error ? error : new Error(String(error));
  };
  return {
    namespace,
    async get(name) {
      try {
        return (await api.getNamespacedCustomObject({ ...target, name })) as ModelDeployment;
      } catch (error) {
        throw explain(error, name);
      }
    },
    async list() {
      try {
        return ((await api.listNamespacedCustomObject(target)) as { items: ModelDeployment[] }).items;
      } catch (error) {
        throw explain(error);
      }
    },
    async patch(name, body) {
      try {
        return (await api.patchNamespacedCustomObject(
          { ...target, name, body },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        )) as ModelDeployment;
      } catch (error) {
        throw explain(error, name);
      }
    },
  };
}
