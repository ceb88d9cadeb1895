/**
 * Volumes without containers: each volume of a pod is a real directory under the pod's state
 * directory, and a container's mount path P is made visible to its process by rewriting env
 * values and arguments that start with P (`P`, `P/...`, `--flag=P/...`).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { V1Container, V1Pod, V1Volume } from '@kubernetes/client-node';
import { PodConfigError, type ObjectData } from './env.js';

/** A container mount path and the real directory standing in for it. */
export interface MountMapping {
  mountPath: string;
  hostPath: string;
}

/**
 * Creates the directories of the volumes `container` mounts (emptyDir: kept across restarts;
 * configMap and secret: their keys written as files) and returns the mappings, longest mount
 * path first. Other volume types are refused with a PodConfigError.
 */
export async function prepareVolumes(
  pod: V1Pod,
  container: V1Container,
  podDir: string,
  data: ObjectData,
): Promise<MountMapping[]> {
  const mappings: MountMapping[] = [];
  for (const mount of container.volumeMounts ?? []) {
    const volume = pod.spec?.volumes?.find((v) => v.name === mount.name);
    if (!volume) throw new PodConfigError(`volumeMounts ${mount.name}: no volume of that name in the pod`);
    const volumeDir = path.join(podDir, 'volumes', volume.name);
    await fillVolume(volume, volumeDir, pod.metadata?.namespace ?? 'default', data);
    const hostPath = mount.subPath ? path.join(volumeDir, mount.subPath) : volumeDir;
    if (volume.emptyDir) fs.mkdirSync(hostPath, { recursive: true });
    mappings.push({ mountPath: mount.mountPath.replace(/\/+$/, '') || '/', hostPath });
  }
  return mappings.sort((a, b) => b.mountPath.length - a.mountPath.length);
}

async function fillVolume(volume: V1Volume, dir: string, namespace: string, data: ObjectData): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  if (volume.emptyDir) return;
  const source = volume.configMap ?? volume.secret;
  if (!source) {
    throw new PodConfigError(
      `volume ${volume.name}: only emptyDir, configMap and secret volumes are supported by the local pod runner`,
    );
  }
  const name = volume.configMap ? volume.configMap.name! : volume.secret!.secretName!;
  const kind = volume.configMap ? 'ConfigMap' : 'Secret';
  const values = volume.configMap
    ? await data.configMap(namespace, name)
    : await data.secret(namespace, name);
  if (!values) {
    if (source.optional) return;
    throw new PodConfigError(`volume ${volume.name}: ${kind} '${name}' not found`);
  }
  const items = source.items ?? Object.keys(values).map((key) => ({ key, path: key }));
  for (const item of items) {
    if (values[item.key] === undefined) {
      throw new PodConfigError(`volume ${volume.name}: key '${item.key}' not found in ${kind} '${name}'`);
    }
    const file = path.join(dir, item.path);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, values[item.key], { mode: volume.secret ? 0o600 : 0o644 });
  }
}

/**
 * `value` with a leading mount path replaced by its real directory. An existing file of this
 * machine below the mount path (e.g. a model artifact of a checkout under /tmp, with an emptyDir
 * at /tmp) is left alone: local files stand in for files baked into the image.
 */
export function rewritePath(value: string, mappings: MountMapping[]): string {
  for (const { mountPath, hostPath } of mappings) {
    if (value === mountPath) return hostPath;
    const prefix = mountPath === '/' ? '/' : `${mountPath}/`;
    if (value.startsWith(prefix) && !isHostFile(value))
      return path.join(hostPath, value.slice(prefix.length));
  }
  return value;
}

function isHostFile(value: string): boolean {
  try {
    return fs.statSync(value).isFile();
  } catch {
    return false;
  }
}

/** An argument rewritten like an env value, also in the `--flag=value` form. */
export function rewriteArg(arg: string, mappings: MountMapping[]): string {
  const flag = /^(--?[^=\s]+=)(.*)$/s.exec(arg);
  return flag ? flag[1] + rewritePath(flag[2], mappings) : rewritePath(arg, mappings);
}
