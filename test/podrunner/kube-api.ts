/** The API-server calls a node agent makes: register the node, bind pods, report status, finish deletions. */
import os from 'node:os';
import {
  ApiException,
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
} from '@kubernetes/client-node';
import type { ObjectData } from './env.js';
import type { PodStatusJson } from './pod-status.js';

/** The node agent's view of the API server. */
export interface NodeAgentApi {
  /** Creates the Node (if missing) and marks it Ready with this machine's capacity. */
  registerNode(name: string, address: string): Promise<void>;
  /** Binds a pending pod to `node` (what a scheduler does); false when it was bound meanwhile. */
  bindPod(namespace: string, name: string, node: string): Promise<boolean>;
  /** Writes the pod's status; false when the pod is gone. */
  patchPodStatus(namespace: string, name: string, status: PodStatusJson): Promise<boolean>;
  /** Deletes the pod with grace 0 (its process is gone), only if it still has `uid`. */
  deletePodNow(namespace: string, name: string, uid: string): Promise<void>;
  /** Secrets and ConfigMaps, for env and volumes. */
  data: ObjectData;
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

const isStatus = (error: unknown, ...codes: number[]) =>
  error instanceof ApiException && codes.includes(error.code);

export function createKubeNodeAgentApi(kc: KubeConfig): NodeAgentApi {
  const core = kc.makeApiClient(CoreV1Api);
  return {
    async registerNode(name, address) {
      try {
        await core.createNode({ body: { metadata: { name, labels: { 'kubernetes.io/hostname': name } } } });
      } catch (error) {
        if (!isStatus(error, 409)) throw error;
      }
      const now = new Date().toISOString();
      const capacity = {
        cpu: String(os.cpus().length),
        memory: `${Math.floor(os.totalmem() / 1024)}Ki`,
        pods: '250',
      };
      const status = {
        capacity,
        allocatable: capacity,
        addresses: [
          { type: 'InternalIP', address },
          { type: 'Hostname', address: name },
        ],
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'LocalPodRunnerReady',
            lastHeartbeatTime: now,
            lastTransitionTime: now,
          },
        ],
        nodeInfo: { operatingSystem: 'linux', architecture: process.arch === 'x64' ? 'amd64' : process.arch },
      };
      await core.patchNodeStatus({ name, body: { status } }, mergePatch);
    },
    async bindPod(namespace, name, node) {
      try {
        await core.createNamespacedPodBinding({
          name,
          namespace,
          body: { metadata: { name }, target: { apiVersion: 'v1', kind: 'Node', name: node } },
        });
        return true;
      } catch (error) {
        if (isStatus(error, 404, 409)) return false;
        throw error;
      }
    },
    async patchPodStatus(namespace, name, status) {
      try {
        await core.patchNamespacedPodStatus({ namespace, name, body: { status } }, mergePatch);
        return true;
      } catch (error) {
        if (isStatus(error, 404)) return false;
        throw error;
      }
    },
    async deletePodNow(namespace, name, uid) {
      try {
        // With a body, the API server ignores query parameters: the grace period goes in the body.
        await core.deleteNamespacedPod({
          namespace,
          name,
          body: { gracePeriodSeconds: 0, preconditions: { uid } },
        });
      } catch (error) {
        if (!isStatus(error, 404, 409)) throw error;
      }
    },
    data: {
      async secret(namespace, name) {
        try {
          const secret = await core.readNamespacedSecret({ namespace, name });
          const decoded = Object.entries(secret.data ?? {}).map(([k, v]) => [
            k,
            Buffer.from(v, 'base64').toString(),
          ]);
          return { ...Object.fromEntries(decoded), ...secret.stringData };
        } catch (error) {
          if (isStatus(error, 404)) return undefined;
          throw error;
        }
      },
      async configMap(namespace, name) {
        try {
          return (await core.readNamespacedConfigMap({ namespace, name })).data ?? {};
        } catch (error) {
          if (isStatus(error, 404)) return undefined;
          throw error;
        }
      },
    },
  };
}
