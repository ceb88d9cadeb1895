/**
 * A static reading of the Pod Security "restricted" profile plus the project's own rule (read-only
 * root filesystem), for pod specs. The real admission check runs in pod-security.test.ts; this
 * one names the field at fault, which makes failures easy to read.
 */

interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  readOnlyRootFilesystem?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type?: string };
}

interface ContainerLike {
  name: string;
  securityContext?: SecurityContext;
  ports?: { hostPort?: number }[];
}

/** The fields of a PodSpec this check reads. */
export interface PodSpecLike {
  securityContext?: SecurityContext;
  containers: ContainerLike[];
  initContainers?: ContainerLike[];
  volumes?: Record<string, unknown>[];
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
}

const ALLOWED_VOLUME_TYPES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

/** Every way `spec` falls short of "restricted" (or has a writable root filesystem); empty when it complies. */
export function podSecurityProblems(spec: PodSpecLike): string[] {
  const problems: string[] = [];
  const pod = spec.securityContext ?? {};
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (spec[field]) problems.push(`spec.${field}: must not be true`);
  }
  for (const volume of spec.volumes ?? []) {
    const type = Object.keys(volume).find((key) => key !== 'name');
    if (type && !ALLOWED_VOLUME_TYPES.has(type))
      problems.push(`volume ${String(volume.name)}: type ${type} is not allowed`);
  }
  if (pod.runAsUser === 0) problems.push('spec.securityContext.runAsUser: must not be 0');
  for (const container of [...spec.containers, ...(spec.initContainers ?? [])]) {
    const at = `container ${container.name}: securityContext`;
    const sc = container.securityContext ?? {};
    if (!(sc.runAsNonRoot ?? pod.runAsNonRoot))
      problems.push(`${at}.runAsNonRoot: must be true (here or on the pod)`);
    if (sc.runAsUser === 0) problems.push(`${at}.runAsUser: must not be 0`);
    if (sc.allowPrivilegeEscalation !== false) problems.push(`${at}.allowPrivilegeEscalation: must be false`);
    if (sc.privileged) problems.push(`${at}.privileged: must not be true`);
    if (!sc.capabilities?.drop?.includes('ALL')) problems.push(`${at}.capabilities.drop: must include ALL`);
    const added = (sc.capabilities?.add ?? []).filter((c) => c !== 'NET_BIND_SERVICE');
    if (added.length > 0)
      problems.push(`${at}.capabilities.add: only NET_BIND_SERVICE is allowed, not ${added.join(', ')}`);
    const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
      problems.push(`${at}.seccompProfile.type: must be RuntimeDefault or Localhost (here or on the pod)`);
    }
    if (sc.readOnlyRootFilesystem !== true) problems.push(`${at}.readOnlyRootFilesystem: must be true`);
    if ((container.ports ?? []).some((p) => p.hostPort))
      problems.push(`container ${container.name}: hostPort is not allowed`);
  }
  return problems;
}
