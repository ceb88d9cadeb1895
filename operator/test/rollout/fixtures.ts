/** Builders for state-machine tests: specs, statuses in each phase, observations, analysis results. */
import type { AnalysisResult, Verdict } from '../../src/analysis/types.js';
import type { PendingControls } from '../../src/api/controls.js';
import { resolveSpec, type ResolvedSpec } from '../../src/api/defaults.js';
import { modelFingerprint, variantOf } from '../../src/api/model.js';
import type { ModelDeploymentSpec, ModelDeploymentStatus, ModelSpec, Phase } from '../../src/api/types.js';
import type { RolloutInput, WorkloadObservation } from '../../src/rollout/types.js';

export const T0 = Date.parse('2026-01-01T00:00:00.000Z');
export const SEC = 1000;
export const MIN = 60 * SEC;
export const iso = (ms: number) => new Date(ms).toISOString();

export const model = (version: string): ModelSpec => ({
  version,
  image: `registry.example/model-server:${version}`,
  artifact: { uri: `https://models.example/${version}.json` },
});
export const fp = (version: string) => modelFingerprint({ ...model(version), env: [] });

/** A raw spec: shadow 10m, canary [10, 50] every 5m, interval 1m, limits 3/5, deadline 10m. */
export function rawSpec(version = 'v2', extra: Partial<ModelDeploymentSpec> = {}): ModelDeploymentSpec {
  return {
    model: model(version),
    strategy: {
      shadow: { duration: '10m', mirrorPercent: 50 },
      canary: { steps: [10, 50], stepDuration: '5m' },
    },
    analysis: {
      interval: '1m',
      failureLimit: 3,
      inconclusiveLimit: 5,
      prometheus: { address: 'http://prom:9090' },
    },
    ...extra,
  };
}

export function spec(version = 'v2', extra: Partial<ModelDeploymentSpec> = {}): ResolvedSpec {
  return resolveSpec(rawSpec(version, extra));
}

const variant = (version: string, readyReplicas = 1) =>
  variantOf(resolveSpec(rawSpec(version)).model, readyReplicas);

/** A status in `phase` for master v1 and (in rollout phases) candidate v2, entered at `since`. */
export function statusIn(
  phase: Phase,
  since = T0,
  extra: Partial<ModelDeploymentStatus> = {},
): ModelDeploymentStatus {
  const s: ModelDeploymentStatus = {
    phase,
    master: variant('v1'),
    phaseStartedAt: iso(since),
    observedGeneration: 1,
  };
  if (['Initializing', 'Shadowing', 'Canary', 'Promoting', 'RollingBack', 'Paused'].includes(phase)) {
    s.candidate = variant('v2');
    s.rolloutStartedAt = iso(since - 5 * MIN);
    s.failedChecks = 0;
    s.inconclusiveChecks = 0;
  }
  if (phase === 'Canary') Object.assign(s, { currentStep: 0, stepStartedAt: iso(since), canaryWeight: 10 });
  if (phase === 'Shadowing') s.mirrorPercent = 50;
  if (phase === 'Promoting') s.master = { ...variant('v2'), readyReplicas: 1 };
  return { ...s, ...extra };
}

export const absent: WorkloadObservation = { fingerprint: null, readyReplicas: 0, ready: false };
export const ready = (version: string): WorkloadObservation => ({
  fingerprint: fp(version),
  readyReplicas: 1,
  ready: true,
});
export const notReady = (version: string): WorkloadObservation => ({
  fingerprint: fp(version),
  readyReplicas: 0,
  ready: false,
});

export function analysis(verdict: Verdict, name = 'errorRate'): AnalysisResult {
  const value = verdict === 'fail' ? 0.2 : verdict === 'pass' ? 0.001 : null;
  return {
    time: iso(T0),
    verdict,
    checks: [{ name, candidate: value, master: null, threshold: '<= 0.01', samples: 500, verdict }],
  };
}

/** A full input with defaults: master v1 ready, candidate v2 ready, now = T0 + 1 min. */
export function input(status: ModelDeploymentStatus, over: Partial<RolloutInput> = {}): RolloutInput {
  return {
    spec: spec(),
    status,
    generation: 2,
    now: T0 + MIN,
    master: ready(status.master?.version ?? 'v1'),
    candidate: status.candidate ? ready(status.candidate.version) : absent,
    analysis: null,
    controls: {} as PendingControls,
    ...over,
  };
}
