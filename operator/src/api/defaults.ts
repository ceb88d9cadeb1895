/**
 * The spec with every default filled in and durations parsed: what the rest of the operator reads.
 * The API server applies the same defaults (the CRD declares them; a test keeps both equal), but
 * objects stored under an older schema may lack them, so the operator never relies on that alone.
 */
import type { AnalysisSettings } from '../analysis/types.js';
import { parseDuration } from './duration.js';
import type {
  ArtifactSource,
  CheckSpec,
  EnvVar,
  GatewayParentRef,
  ModelDeploymentSpec,
  PromotionMode,
  ResourceRequirements,
  TrafficProvider,
} from './types.js';

/** Schema defaults, by field path (also declared in the CRD). */
export const DEFAULTS = {
  'spec.model.replicas': 1,
  'spec.strategy.shadow.duration': '10m',
  'spec.strategy.shadow.mirrorPercent': 100,
  'spec.strategy.canary.stepDuration': '5m',
  'spec.strategy.promotion': 'Automatic',
  'spec.strategy.progressDeadline': '10m',
  'spec.traffic.provider': 'router',
  'spec.router.replicas': 2,
  'spec.analysis.interval': '1m',
  'spec.analysis.failureLimit': 3,
  'spec.analysis.inconclusiveLimit': 5,
  'spec.analysis.minSampleCount': 100,
  'spec.analysis.checks': [{ builtin: 'errorRate', max: 0.01 }] as CheckSpec[],
  'spec.predictionStore.secretRef.key': 'url',
  'spec.predictionStore.required': false,
  'spec.paused': false,
} as const;

/** The model a variant runs, plus how many replicas and resources it gets. */
export interface ResolvedModel {
  version: string;
  image: string;
  artifact: ArtifactSource;
  env: EnvVar[];
  replicas: number;
  resources?: ResourceRequirements;
}

export interface ResolvedSpec {
  model: ResolvedModel;
  /** Null when the strategy has no shadow stage. */
  shadow: { durationMs: number; mirrorPercent: number } | null;
  /** Null when the strategy has no canary stage. */
  canary: { steps: number[]; stepDurationMs: number } | null;
  promotion: PromotionMode;
  progressDeadlineMs: number;
  traffic: { provider: TrafficProvider; gateway?: { parentRefs: GatewayParentRef[]; hostnames?: string[] } };
  router: { replicas: number; image?: string; resources?: ResourceRequirements };
  analysis: {
    intervalMs: number;
    failureLimit: number;
    inconclusiveLimit: number;
    minSampleCount: number;
    prometheusAddress: string;
    checks: CheckSpec[];
  };
  predictionStore: { secretName: string; secretKey: string; required: boolean } | null;
  paused: boolean;
}

/** Thrown when a spec cannot be used; the message names the field and the reason. */
export class InvalidSpecError extends Error {
  override name = 'InvalidSpecError';
}

function need<T>(value: T | undefined | null, field: string): T {
  if (value === undefined || value === null || value === '') throw new InvalidSpecError(`${field}: required`);
  return value;
}

function duration(text: string, field: string): number {
  try {
    return parseDuration(text, field);
  } catch (err) {
    throw new InvalidSpecError((err as Error).message);
  }
}

function resolveStrategy(spec: ModelDeploymentSpec) {
  const strategy = spec.strategy ?? {};
  const shadow = strategy.shadow
    ? {
        durationMs: duration(
          strategy.shadow.duration ?? DEFAULTS['spec.strategy.shadow.duration'],
          'spec.strategy.shadow.duration',
        ),
        mirrorPercent: strategy.shadow.mirrorPercent ?? DEFAULTS['spec.strategy.shadow.mirrorPercent'],
      }
    : null;
  let canary: ResolvedSpec['canary'] = null;
  if (strategy.canary) {
    const steps = need(strategy.canary.steps, 'spec.strategy.canary.steps');
    const ascending = steps.every(
      (w, i) => Number.isInteger(w) && w >= 1 && w <= 100 && (i === 0 || w > steps[i - 1]),
    );
    if (!steps.length || !ascending) {
      throw new InvalidSpecError(
        'spec.strategy.canary.steps: weights must be strictly ascending, each in 1..100',
      );
    }
    const stepDuration = strategy.canary.stepDuration ?? DEFAULTS['spec.strategy.canary.stepDuration'];
    canary = {
      steps: [...steps],
      stepDurationMs: duration(stepDuration, 'spec.strategy.canary.stepDuration'),
    };
  }
  if (!shadow && !canary)
    throw new InvalidSpecError('spec.strategy: at least one of shadow or canary is required');
  const deadline = strategy.progressDeadline ?? DEFAULTS['spec.strategy.progressDeadline'];
  return {
    shadow,
    canary,
    promotion: strategy.promotion ?? DEFAULTS['spec.strategy.promotion'],
    progressDeadlineMs: duration(deadline, 'spec.strategy.progressDeadline'),
  };
}

/** `spec` with defaults applied and durations in milliseconds; throws InvalidSpecError. */
export function resolveSpec(spec: ModelDeploymentSpec): ResolvedSpec {
  const model = need(spec?.model, 'spec.model');
  const analysis = need(spec.analysis, 'spec.analysis');
  const artifact = need(model.artifact, 'spec.model.artifact');
  if (!artifact.uri === !artifact.configMap) {
    throw new InvalidSpecError('spec.model.artifact: exactly one of uri or configMap is required');
  }
  const interval = analysis.interval ?? DEFAULTS['spec.analysis.interval'];
  const store = spec.predictionStore;
  return {
    model: {
      version: need(model.version, 'spec.model.version'),
      image: need(model.image, 'spec.model.image'),
      artifact,
      env: model.env ?? [],
      replicas: model.replicas ?? DEFAULTS['spec.model.replicas'],
      resources: model.resources,
    },
    ...resolveStrategy(spec),
    traffic: {
      provider: spec.traffic?.provider ?? DEFAULTS['spec.traffic.provider'],
      gateway: spec.traffic?.gateway,
    },
    router: {
      replicas: spec.router?.replicas ?? DEFAULTS['spec.router.replicas'],
      image: spec.router?.image,
      resources: spec.router?.resources,
    },
    analysis: {
      intervalMs: duration(interval, 'spec.analysis.interval'),
      failureLimit: analysis.failureLimit ?? DEFAULTS['spec.analysis.failureLimit'],
      inconclusiveLimit: analysis.inconclusiveLimit ?? DEFAULTS['spec.analysis.inconclusiveLimit'],
      minSampleCount: analysis.minSampleCount ?? DEFAULTS['spec.analysis.minSampleCount'],
      prometheusAddress: need(analysis.prometheus?.address, 'spec.analysis.prometheus.address'),
      checks: analysis.checks?.length ? analysis.checks : [...DEFAULTS['spec.analysis.checks']],
    },
    predictionStore: store
      ? {
          secretName: need(store.secretRef?.name, 'spec.predictionStore.secretRef.name'),
          secretKey: store.secretRef.key ?? DEFAULTS['spec.predictionStore.secretRef.key'],
          required: store.required ?? DEFAULTS['spec.predictionStore.required'],
        }
      : null,
    paused: spec.paused ?? DEFAULTS['spec.paused'],
  };
}

/** `spec.analysis` in the shape the Analyzer takes. */
export function analysisSettings(spec: ResolvedSpec): AnalysisSettings {
  return {
    intervalSeconds: spec.analysis.intervalMs / 1000,
    minSampleCount: spec.analysis.minSampleCount,
    prometheusAddress: spec.analysis.prometheusAddress,
    checks: spec.analysis.checks,
  };
}
