/** Initializing: the candidate Deployment comes up; it must be ready within progressDeadline. */
import { formatDuration } from '../../api/duration.js';
import type { Draft } from '../draft.js';
import { enterFirstStage, READINESS_POLL_MS, startRollback } from '../transitions.js';

export function initializing(d: Draft): void {
  const candidate = d.status.candidate!;
  const seen = d.input.candidate;
  if (seen.ready && seen.fingerprint === candidate.fingerprint) {
    enterFirstStage(d);
    return;
  }
  const deadline = d.spec.progressDeadlineMs;
  const ready = `${seen.fingerprint === candidate.fingerprint ? seen.readyReplicas : 0}/${candidate.replicas}`;
  if (d.since(d.status.phaseStartedAt) >= deadline) {
    const why = `candidate was not ready within progressDeadline ${formatDuration(deadline)} (${ready} ready)`;
    startRollback(d, 'ProgressDeadlineExceeded', why);
    return;
  }
  d.status.message = `Waiting for candidate ${candidate.version} to become ready (${ready} ready)`;
  d.wakeAt(Date.parse(d.status.phaseStartedAt!) + deadline);
  d.wakeIn(READINESS_POLL_MS);
}
