/** What every child of a ModelDeployment shares: owner reference, labels, pod hardening. */
import type {
  V1Container,
  V1OwnerReference,
  V1PodSecurityContext,
  V1Probe,
  V1SecurityContext,
} from '@kubernetes/client-node';
import { API_VERSION, GROUP, KIND, LABELS } from '../../api/group.js';
import type { ModelDeployment } from '../../api/types.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../../traffic/labels.js';

/** Port every model-server mode listens on inside its pod. */
export const HTTP_PORT = 8080;
/** Pod label naming the ModelDeployment; the scrape config turns it into the `modeldeployment` target label. */
export const MODEL_DEPLOYMENT_LABEL = `${GROUP}/modeldeployment`;

/** Namespace, name and owner of the children being built. */
export interface ChildScope {
  namespace: string;
  name: string;
  owner: V1OwnerReference;
}

/** The controller owner reference pointing at `md`. */
export function ownerReference(md: ModelDeployment): V1OwnerReference {
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    name: md.metadata.name,
    uid: md.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function scopeOf(md: ModelDeployment): ChildScope {
  return { namespace: md.metadata.namespace, name: md.metadata.name, owner: ownerReference(md) };
}

/** Labels of a child and its pods; `component` is `model` or `router`. */
export function childLabels(scope: ChildScope, component: string): Record<string, string> {
  return {
    [LABELS.name]: scope.name,
    [LABELS.component]: component,
    [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
    [MODEL_DEPLOYMENT_LABEL]: scope.name,
  };
}

/** Annotations that let a Prometheus kubernetes_sd job find the pod's /metrics. */
export const SCRAPE_ANNOTATIONS = {
  'prometheus.io/scrape': 'true',
  'prometheus.io/port': String(HTTP_PORT),
  'prometheus.io/path': '/metrics',
};

/** Pod Security "restricted": non-root, no privilege escalation, no capabilities, seccomp. */
export const POD_SECURITY: V1PodSecurityContext = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  fsGroup: 1000,
  seccompProfile: { type: 'RuntimeDefault' },
};

export const CONTAINER_SECURITY: V1SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

function probe(path: string, periodSeconds: number, initialDelaySeconds = 0): V1Probe {
  return {
    httpGet: { path, port: 'http' },
    periodSeconds,
    initialDelaySeconds,
    timeoutSeconds: 2,
    failureThreshold: 3,
  };
}

/** The model-server container skeleton shared by serve and router pods. */
export function serverContainer(image: string, mode: 'serve' | 'router'): V1Container {
  return {
    name: mode === 'serve' ? 'model-server' : 'router',
    image,
    args: [mode],
    ports: [{ name: 'http', containerPort: HTTP_PORT, protocol: 'TCP' }],
    readinessProbe: probe('/ready', 5),
    livenessProbe: probe('/health', 10, 10),
    securityContext: CONTAINER_SECURITY,
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
}

/**
 * How long serve and router keep answering after SIGTERM while failing readiness, so that
 * endpoints and proxies stop sending to a terminating pod before it closes its listener.
 */
export const SHUTDOWN_DELAY_MS = 5000;
