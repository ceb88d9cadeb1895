/**
 * The ModelDeployment resource as TypeScript types. crds/modelrollout.io_modeldeployments.yaml is
 * the source of truth; operator/test/api/types-match-crd.test.ts fails when the two drift apart.
 * Optional (`?`) marks what the schema does not require; fields with schema defaults are optional
 * here too, because objects written before a default existed may lack them (see defaults.ts).
 */
import type { CheckResult, CheckSpec, Verdict } from '../analysis/types.js';

export type { CheckSpec };

/** Kubernetes-style quantities: `{cpu: '500m', memory: '256Mi'}`. */
export interface ResourceRequirements {
  limits?: Record<string, number | string>;
  requests?: Record<string, number | string>;
}

/** One environment variable of the serve program (`valueFrom` is a Kubernetes EnvVarSource). */
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: Record<string, unknown>;
}

/** Where the serve program loads the model artifact from: exactly one of `uri` or `configMap`. */
export interface ArtifactSource {
  /** `http(s)://…`, `file:///…` or an absolute path inside the image or a mounted volume. */
  uri?: string;
  /** Hex SHA-256 the downloaded artifact must match. */
  sha256?: string;
  /** A ConfigMap key in the same namespace holding the artifact (< 1 MiB). */
  configMap?: { name: string; key: string };
}

/** The desired model; a change of version, image, artifact or env starts a rollout. */
export interface ModelSpec {
  version: string;
  image: string;
  artifact: ArtifactSource;
  replicas?: number;
  resources?: ResourceRequirements;
  env?: EnvVar[];
}

/** Mirror live traffic to the candidate before (or instead of) a canary. */
export interface ShadowStrategy {
  duration?: string;
  mirrorPercent?: number;
}

/** Give the candidate a growing share of real traffic. */
export interface CanaryStrategy {
  /** Candidate weights in percent, strictly ascending, each 1..100. */
  steps: number[];
  stepDuration?: string;
}

export type PromotionMode = 'Automatic' | 'Manual';

export interface StrategySpec {
  shadow?: ShadowStrategy;
  canary?: CanaryStrategy;
  promotion?: PromotionMode;
  progressDeadline?: string;
}

export type TrafficProvider = 'router' | 'gateway-api';

/** A Gateway API ParentReference of the managed HTTPRoute. */
export interface GatewayParentRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  sectionName?: string;
  port?: number;
}

export interface TrafficSpec {
  provider?: TrafficProvider;
  gateway?: { parentRefs: GatewayParentRef[]; hostnames?: string[] };
}

/** The router Deployment (provider `router` only). */
export interface RouterSpec {
  replicas?: number;
  /** Defaults to master's model-server image. */
  image?: string;
  resources?: ResourceRequirements;
}

export interface AnalysisSpec {
  interval?: string;
  failureLimit?: number;
  inconclusiveLimit?: number;
  minSampleCount?: number;
  prometheus: { address: string };
  checks?: CheckSpec[];
}

export interface PredictionStoreSpec {
  secretRef: { name: string; key?: string };
  required?: boolean;
}

export interface ModelDeploymentSpec {
  model: ModelSpec;
  strategy?: StrategySpec;
  traffic?: TrafficSpec;
  router?: RouterSpec;
  analysis: AnalysisSpec;
  predictionStore?: PredictionStoreSpec;
  paused?: boolean;
}

export type Phase =
  | 'Idle'
  | 'Initializing'
  | 'Shadowing'
  | 'Canary'
  | 'Promoting'
  | 'Succeeded'
  | 'RollingBack'
  | 'Failed'
  | 'Paused';

/** Phases spec.paused can interrupt (Promoting and RollingBack always finish). */
export type PausablePhase = 'Idle' | 'Initializing' | 'Shadowing' | 'Canary' | 'Succeeded' | 'Failed';

/** A status condition in the Kubernetes convention (metav1.Condition). */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** What one variant (master or candidate) runs, and how ready it is. */
export interface VariantStatus {
  version: string;
  image: string;
  /** Digest of version, image, artifact and env; a different fingerprint is a different model. */
  fingerprint: string;
  artifact: ArtifactSource;
  env?: EnvVar[];
  replicas: number;
  readyReplicas: number;
}

export interface AnalysisRecord {
  time: string;
  verdict: Verdict;
  checks: CheckResult[];
}

export type RolloutOutcome = 'Promoted' | 'Failed' | 'Aborted' | 'Superseded' | 'Cancelled';

export interface HistoryEntry {
  version: string;
  outcome: RolloutOutcome;
  reason?: string;
  startedAt: string;
  finishedAt: string;
}

/** Request tokens of the control annotations already acted on (see controls.ts). */
export interface HandledControls {
  promote?: string;
  abort?: string;
  retry?: string;
}

export interface ModelDeploymentStatus {
  phase?: Phase;
  observedGeneration?: number;
  message?: string;
  conditions?: Condition[];
  master?: VariantStatus;
  candidate?: VariantStatus;
  canaryWeight?: number;
  mirrorPercent?: number;
  /** Index into spec.strategy.canary.steps. */
  currentStep?: number;
  rolloutStartedAt?: string;
  phaseStartedAt?: string;
  stepStartedAt?: string;
  pausedAt?: string;
  /** The phase a pause interrupted; resumed from there. */
  pausedPhase?: PausablePhase;
  awaitingPromotion?: boolean;
  rollbackReason?: string;
  failedChecks?: number;
  inconclusiveChecks?: number;
  lastAnalysis?: AnalysisRecord;
  /** The last 10 rollouts, newest first. */
  history?: HistoryEntry[];
  failedVersion?: string;
  failedFingerprint?: string;
  handledControls?: HandledControls;
}

/** Object metadata the operator reads and writes. */
export interface ObjectMeta {
  name: string;
  namespace: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  finalizers?: string[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface ModelDeployment {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec: ModelDeploymentSpec;
  status?: ModelDeploymentStatus;
}
