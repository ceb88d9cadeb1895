/** The `<name>-master` / `<name>-candidate` Deployment and Service running `model-server serve`. */
import type { V1Deployment, V1EnvVar, V1Service } from '@kubernetes/client-node';
import type { ResolvedModel, ResolvedSpec } from '../../api/defaults.js';
import { FINGERPRINT_ANNOTATION, LABELS } from '../../api/group.js';
import { modelFingerprint } from '../../api/model.js';
import { childNames, type Variant } from '../../api/names.js';
import { artifactWiring } from './artifact.js';
import {
  childLabels,
  HTTP_PORT,
  POD_SECURITY,
  SCRAPE_ANNOTATIONS,
  SHUTDOWN_DELAY_MS,
  serverContainer,
  type ChildScope,
} from './common.js';

/** Labels that select one variant's pods (immutable: no version in it). */
export function variantSelector(scope: ChildScope, variant: Variant): Record<string, string> {
  return { [LABELS.name]: scope.name, [LABELS.component]: 'model', [LABELS.variant]: variant };
}

function serveEnv(
  scope: ChildScope,
  variant: Variant,
  model: ResolvedModel,
  artifactPath: string,
  store: ResolvedSpec['predictionStore'],
): V1EnvVar[] {
  const env: V1EnvVar[] = [
    { name: 'PORT', value: String(HTTP_PORT) },
    { name: 'MODEL_ARTIFACT', value: artifactPath },
    { name: 'MODEL_NAME', value: scope.name },
    { name: 'MODEL_VERSION', value: model.version },
    { name: 'MODEL_VARIANT', value: variant },
    { name: 'SHUTDOWN_DELAY_MS', value: String(SHUTDOWN_DELAY_MS) },
  ];
  if (model.artifact.sha256) env.push({ name: 'MODEL_ARTIFACT_SHA256', value: model.artifact.sha256 });
  if (store) {
    const secretKeyRef = { name: store.secretName, key: store.secretKey };
    env.push({ name: 'DATABASE_URL', valueFrom: { secretKeyRef } });
    env.push({ name: 'STORE_REQUIRED', value: String(store.required) });
  }
  return [...env, ...(model.env as V1EnvVar[])];
}

/** The Deployment of `variant` running `model`. */
export function modelDeployment(
  scope: ChildScope,
  variant: Variant,
  model: ResolvedModel,
  store: ResolvedSpec['predictionStore'],
): V1Deployment {
  const selector = variantSelector(scope, variant);
  const labels = { ...childLabels(scope, 'model'), ...selector, [LABELS.version]: model.version };
  const artifact = artifactWiring(model.artifact, model.image);
  const container = serverContainer(model.image, 'serve');
  container.env = serveEnv(scope, variant, model, artifact.path, store);
  container.volumeMounts = [...(container.volumeMounts ?? []), ...artifact.mounts];
  if (model.resources) container.resources = model.resources as typeof container.resources;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: childNames(scope.name).variant(variant),
      namespace: scope.namespace,
      labels,
      ownerReferences: [scope.owner],
    },
    spec: {
      replicas: model.replicas,
      selector: { matchLabels: selector },
      revisionHistoryLimit: 3,
      // Keep serving capacity while master switches models during a promotion.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
      template: {
        metadata: {
          labels,
          annotations: { ...SCRAPE_ANNOTATIONS, [FINGERPRINT_ANNOTATION]: modelFingerprint(model) },
        },
        spec: {
          automountServiceAccountToken: false,
          securityContext: POD_SECURITY,
          initContainers: artifact.initContainers.length ? artifact.initContainers : undefined,
          containers: [container],
          volumes: [{ name: 'tmp', emptyDir: {} }, ...artifact.volumes],
        },
      },
    },
  };
}

/** The Service in front of `variant`'s pods (the router's upstream). */
export function modelService(scope: ChildScope, variant: Variant): V1Service {
  const selector = variantSelector(scope, variant);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: childNames(scope.name).variant(variant),
      namespace: scope.namespace,
      labels: { ...childLabels(scope, 'model'), [LABELS.variant]: variant },
      ownerReferences: [scope.owner],
    },
    spec: {
      selector,
      ports: [{ name: 'http', port: HTTP_PORT, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}
