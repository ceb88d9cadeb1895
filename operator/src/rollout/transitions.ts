/** Transitions shared by several phases: start, promote, roll back, finish a rollout. */
import { PROMOTE_ANNOTATION } from '../api/controls.js';
import { formatDuration } from '../api/duration.js';
import { variantOf } from '../api/model.js';
import type { HistoryEntry, RolloutOutcome } from '../api/types.js';
import type { Draft } from './draft.js';
import type { RollbackReason } from './types.js';

export const HISTORY_LIMIT = 10;
/** How often to look again while waiting for Deployments (informer events usually come first). */
export const READINESS_POLL_MS = 5_000;
/** Delay before checking that a rollback's candidate is gone. */
export const ROLLBACK_POLL_MS = 1_000;

/** Starts rolling out spec.model as the candidate. */
export function startRollout(d: Draft): void {
  const candidate = variantOf(d.spec.model);
  const s = d.status;
  s.candidate = candidate;
  s.rolloutStartedAt = d.nowIso;
  s.failedChecks = 0;
  s.inconclusiveChecks = 0;
  delete s.lastAnalysis;
  delete s.currentStep;
  delete s.stepStartedAt;
  delete s.rollbackReason;
  delete s.awaitingPromotion;
  delete s.pausedAt;
  delete s.pausedPhase;
  const deadline = formatDuration(d.spec.progressDeadlineMs);
  d.enter('Initializing', `Starting candidate ${candidate.version}; it has ${deadline} to become ready`);
  d.emit('Normal', 'RolloutStarted', `Rolling out ${candidate.version} (master runs ${s.master?.version})`);
  d.wakeIn(READINESS_POLL_MS);
}

/** The candidate is ready: the first stage is shadow when configured, else the first canary step. */
export function enterFirstStage(d: Draft): void {
  const version = d.status.candidate?.version;
  if (d.spec.shadow) {
    const { mirrorPercent, durationMs } = d.spec.shadow;
    d.enter(
      'Shadowing',
      `Mirroring ${mirrorPercent}% of requests to ${version} for ${formatDuration(durationMs)}`,
    );
    d.emit('Normal', 'ShadowStarted', `Mirroring ${mirrorPercent}% of requests to candidate ${version}`);
  } else {
    enterCanaryStep(d, 0);
  }
}

/** Moves to canary step `index` (weight spec.canary.steps[index]). */
export function enterCanaryStep(d: Draft, index: number): void {
  const steps = d.spec.canary?.steps ?? [];
  const version = d.status.candidate?.version;
  const previous = d.phase === 'Canary' ? d.status.canaryWeight : undefined;
  if (d.phase !== 'Canary') d.enter('Canary', '');
  d.status.currentStep = index;
  d.status.stepStartedAt = d.nowIso;
  d.status.message = `Canary step ${index + 1}/${steps.length}: ${steps[index]}% of requests to ${version}`;
  if (previous === undefined) {
    d.emit('Normal', 'CanaryStarted', `Sending ${steps[index]}% of requests to candidate ${version}`);
  } else {
    d.emit(
      'Normal',
      'CanaryStepAdvanced',
      `Weight of ${version} ${previous}% -> ${steps[index]}% (step ${index + 1}/${steps.length})`,
    );
  }
}

/** Manual promotion mode: analysis passed, wait for the promote control (announced once). */
export function awaitPromotion(d: Draft, where: string): void {
  const version = d.status.candidate?.version;
  d.status.message = `${where} passed; waiting for the promote control to promote ${version}`;
  if (!d.status.awaitingPromotion) {
    d.status.awaitingPromotion = true;
    d.emit('Normal', 'AwaitingPromotion', `${version}: ${where} passed; waiting for ${PROMOTE_ANNOTATION}`);
  }
}

/** Master takes the candidate's model; the candidate stays until master has rolled out. */
export function startPromotion(d: Draft, why: string): void {
  const candidate = d.status.candidate;
  if (!candidate) return;
  d.status.master = { ...candidate, readyReplicas: d.status.master?.readyReplicas ?? 0 };
  delete d.status.awaitingPromotion;
  d.enter('Promoting', `Promoting ${candidate.version}: master takes the candidate's model (${why})`);
  d.emit('Normal', 'PromotionStarted', `Promoting ${candidate.version} (${why})`);
  d.wakeIn(READINESS_POLL_MS);
}

/** Reasons after which the candidate's version counts as failed (not retried automatically). */
const FAILING: ReadonlySet<RollbackReason> = new Set([
  'AnalysisFailed',
  'AnalysisInconclusive',
  'ProgressDeadlineExceeded',
  'Aborted',
]);

export function isFailingReason(reason: string | undefined): boolean {
  return FAILING.has(reason as RollbackReason);
}

const ROLLBACK_PREFIX = 'Rolling back ';

/** The reason part of a RollingBack status message (see startRollback). */
export function rollbackWhy(message: string | undefined): string {
  const text = message ?? '';
  return text.startsWith(ROLLBACK_PREFIX) ? text.slice(text.indexOf(': ') + 2) : text;
}

/** Takes all traffic off the candidate and removes it; `message` says why (status and Event). */
export function startRollback(d: Draft, reason: RollbackReason, message: string): void {
  const candidate = d.status.candidate;
  d.status.rollbackReason = reason;
  delete d.status.awaitingPromotion;
  delete d.status.pausedAt;
  delete d.status.pausedPhase;
  if (candidate && isFailingReason(reason)) {
    d.status.failedVersion = candidate.version;
    d.status.failedFingerprint = candidate.fingerprint;
  }
  d.enter('RollingBack', `${ROLLBACK_PREFIX}${candidate?.version}: ${message}`);
  d.emit('Warning', 'RollbackStarted', `Rolling back ${candidate?.version}: ${message}`);
  d.wakeIn(ROLLBACK_POLL_MS);
}

/** Records the rollout of the current candidate in the history and forgets the candidate. */
export function finishRollout(d: Draft, outcome: RolloutOutcome, reason: string): void {
  const candidate = d.status.candidate;
  if (candidate) {
    const entry: HistoryEntry = {
      version: candidate.version,
      outcome,
      reason,
      startedAt: d.status.rolloutStartedAt ?? d.nowIso,
      finishedAt: d.nowIso,
    };
    d.status.history = [entry, ...(d.status.history ?? [])].slice(0, HISTORY_LIMIT);
  }
  delete d.status.candidate;
  delete d.status.currentStep;
  delete d.status.stepStartedAt;
  delete d.status.awaitingPromotion;
}
