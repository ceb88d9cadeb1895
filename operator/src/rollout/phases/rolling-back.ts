/** RollingBack: traffic is off the candidate; once its Deployment is gone the rollout ends. */
import type { RolloutOutcome } from '../../api/types.js';
import type { Draft } from '../draft.js';
import { finishRollout, isFailingReason, ROLLBACK_POLL_MS, rollbackWhy } from '../transitions.js';

function outcomeOf(reason: string | undefined): RolloutOutcome {
  if (reason === 'Aborted') return 'Aborted';
  if (reason === 'Cancelled') return 'Cancelled';
  if (reason === 'Superseded') return 'Superseded';
  return 'Failed';
}

export function rollingBack(d: Draft): void {
  if (d.input.candidate.fingerprint !== null) {
    d.wakeIn(ROLLBACK_POLL_MS);
    return;
  }
  const s = d.status;
  const version = s.candidate?.version;
  const reason = s.rollbackReason;
  const why = rollbackWhy(s.message);
  finishRollout(d, outcomeOf(reason), why);
  if (reason === 'Cancelled') {
    d.enter('Idle', `Master serves ${s.master?.version}; rollout of ${version} cancelled`);
    d.emit('Normal', 'RolloutCancelled', `Rollout of ${version} cancelled: ${why}`);
    return;
  }
  // Superseded lands here only when spec.model now names a version that already failed.
  const failed = isFailingReason(reason) ? version : s.failedVersion;
  d.enter('Failed', `Rolled back ${version}: ${why}`);
  d.emit(
    'Warning',
    'RolledBack',
    `Rolled back ${version} (${reason}): ${why}; ${failed} is not retried automatically`,
  );
}
