/** Identity of the ModelDeployment API and the names the operator stamps on what it manages. */
export const GROUP = 'modelrollout.io';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;
export const KIND = 'ModelDeployment';
export const PLURAL = 'modeldeployments';

/** Server-side apply field manager of every object the operator writes. */
export const FIELD_MANAGER = 'modelrollout-operator';
/** Finalizer that restores all traffic to master before a ModelDeployment goes away. */
export const FINALIZER = `${GROUP}/traffic-restore`;
/** Component name in Events' `source`. */
export const EVENT_SOURCE = 'modelrollout-operator';

/** Labels on children and their pods. */
export const LABELS = {
  name: 'app.kubernetes.io/name',
  component: 'app.kubernetes.io/component',
  managedBy: 'app.kubernetes.io/managed-by',
  variant: `${GROUP}/variant`,
  version: `${GROUP}/version`,
} as const;

/** Annotation on model Deployments naming the model fingerprint their pods run. */
export const FINGERPRINT_ANNOTATION = `${GROUP}/model-fingerprint`;
