/**
 * The environment of a container as the kubelet builds it: `envFrom`, then `env` (`value` with
 * `$(VAR)` expansion, `valueFrom.secretKeyRef`, `configMapKeyRef`, `fieldRef`).
 */
import type { V1Container, V1EnvVar, V1Pod } from '@kubernetes/client-node';
import { expandVars } from './command.js';

/** Reads Secrets and ConfigMaps for env and volumes. */
export interface ObjectData {
  /** The decoded data of Secret `name`, or undefined when it does not exist. */
  secret(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  /** The data of ConfigMap `name`, or undefined when it does not exist. */
  configMap(namespace: string, name: string): Promise<Record<string, string> | undefined>;
}

/** A pod that cannot start as specified (reported as CreateContainerConfigError, retried). */
export class PodConfigError extends Error {
  override readonly name = 'PodConfigError';
}

/** Addresses the runner gave the pod, for `status.podIP`/`status.hostIP` field references. */
export interface PodAddresses {
  podIP: string;
  hostIP: string;
}

/** Resolves the environment variables of `container` (without the ones the runner adds). */
export async function resolveEnv(
  pod: V1Pod,
  container: V1Container,
  addresses: PodAddresses,
  data: ObjectData,
): Promise<Record<string, string>> {
  const namespace = pod.metadata?.namespace ?? 'default';
  const vars: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    if (!ref) continue;
    const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
    const values = source.configMapRef
      ? await data.configMap(namespace, ref.name!)
      : await data.secret(namespace, ref.name!);
    if (!values && !ref.optional) throw new PodConfigError(`envFrom: ${kind} '${ref.name}' not found`);
    for (const [key, value] of Object.entries(values ?? {})) vars[`${source.prefix ?? ''}${key}`] = value;
  }
  for (const entry of container.env ?? []) {
    const value = await envValue(entry, pod, namespace, addresses, data, vars);
    if (value !== undefined) vars[entry.name] = value;
  }
  return vars;
}

async function envValue(
  entry: V1EnvVar,
  pod: V1Pod,
  namespace: string,
  addresses: PodAddresses,
  data: ObjectData,
  earlier: Record<string, string>,
): Promise<string | undefined> {
  const from = entry.valueFrom;
  if (!from) return expandVars(entry.value ?? '', earlier);
  const where = `env ${entry.name}`;
  const keyRef = from.secretKeyRef ?? from.configMapKeyRef;
  if (keyRef) {
    const kind = from.secretKeyRef ? 'Secret' : 'ConfigMap';
    const values = from.secretKeyRef
      ? await data.secret(namespace, keyRef.name!)
      : await data.configMap(namespace, keyRef.name!);
    const value = values?.[keyRef.key];
    if (value !== undefined || keyRef.optional) return value;
    throw new PodConfigError(
      values
        ? `${where}: key '${keyRef.key}' not found in ${kind} '${keyRef.name}'`
        : `${where}: ${kind} '${keyRef.name}' not found`,
    );
  }
  if (from.fieldRef) return fieldValue(from.fieldRef.fieldPath, pod, addresses, where);
  throw new PodConfigError(`${where}: only value, secretKeyRef, configMapKeyRef and fieldRef are supported`);
}

/** The value of a downward-API field path, e.g. `metadata.labels['app']` or `status.podIP`. */
export function fieldValue(
  fieldPath: string,
  pod: V1Pod,
  addresses: PodAddresses,
  where = 'fieldRef',
): string {
  const subscript = /^metadata\.(labels|annotations)\['([^']+)'\]$/.exec(fieldPath);
  if (subscript) {
    const map = subscript[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations;
    return map?.[subscript[2]] ?? '';
  }
  const fields: Record<string, string | undefined> = {
    'metadata.name': pod.metadata?.name,
    'metadata.namespace': pod.metadata?.namespace,
    'metadata.uid': pod.metadata?.uid,
    'spec.nodeName': pod.spec?.nodeName,
    'spec.serviceAccountName': pod.spec?.serviceAccountName,
    'status.podIP': addresses.podIP,
    'status.podIPs': addresses.podIP,
    'status.hostIP': addresses.hostIP,
    'status.hostIPs': addresses.hostIP,
  };
  if (!Object.hasOwn(fields, fieldPath)) {
    throw new PodConfigError(`${where}: field path '${fieldPath}' is not supported`);
  }
  return fields[fieldPath] ?? '';
}
