/** Promoting: master rolls out the candidate's model; the rollout succeeds once master is ready. */
import { REASONS, CONDITION_TYPES, findCondition } from '../../api/conditions.js';
import { formatDuration } from '../../api/duration.js';
import type { Draft } from '../draft.js';
import { finishRollout, READINESS_POLL_MS } from '../transitions.js';

/** True when master has been promoting for longer than progressDeadline. */
export function promotionStalled(d: Draft): boolean {
  return d.phase === 'Promoting' && d.since(d.status.phaseStartedAt) > d.spec.progressDeadlineMs;
}

export function promoting(d: Draft): void {
  const master = d.status.master!;
  const seen = d.input.master;
  if (seen.ready && seen.fingerprint === master.fingerprint) {
    finishRollout(d, 'Promoted', 'analysis passed');
    d.enter('Succeeded', `Master serves ${master.version}`);
    d.emit('Normal', 'Promoted', `Master now serves ${master.version}`);
    return;
  }
  d.status.message = `Waiting for master to roll out ${master.version} (${seen.readyReplicas}/${master.replicas} ready)`;
  if (promotionStalled(d)) {
    const progressing = findCondition(d.status.conditions, CONDITION_TYPES.Progressing);
    if (progressing?.reason !== REASONS.PromotionStalled) {
      const deadline = formatDuration(d.spec.progressDeadlineMs);
      d.emit('Warning', 'PromotionStalled', `Master has not rolled out ${master.version} within ${deadline}`);
    }
  } else {
    d.wakeAt(Date.parse(d.status.phaseStartedAt!) + d.spec.progressDeadlineMs + 1);
  }
  d.wakeIn(READINESS_POLL_MS);
}
