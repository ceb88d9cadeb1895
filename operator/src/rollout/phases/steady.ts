/** Idle, Succeeded and Failed: master serves everything; a new spec.model starts a rollout. */
import { modelFingerprint } from '../../api/model.js';
import { ignoreControl, markHandled } from '../controls.js';
import type { Draft } from '../draft.js';
import { startRollout } from '../transitions.js';

function acceptRetry(d: Draft): void {
  if (d.input.controls.retry === undefined) return;
  const s = d.status;
  if (!s.failedFingerprint) {
    ignoreControl(d, 'retry', 'no failed version to retry');
    return;
  }
  markHandled(d, 'retry');
  d.emit('Normal', 'RetryRequested', `Version ${s.failedVersion} may be rolled out again`);
  delete s.failedVersion;
  delete s.failedFingerprint;
}

export function steady(d: Draft): void {
  acceptRetry(d);
  const s = d.status;
  const master = s.master!;
  const wanted = modelFingerprint(d.spec.model);
  if (wanted === master.fingerprint) {
    if (d.phase === 'Failed') d.enter('Idle', `Master serves ${master.version}`);
    else s.message = `Master serves ${master.version}`;
    return;
  }
  if (wanted === s.failedFingerprint) {
    const why = `${s.failedVersion} failed; change spec.model or request a retry to roll it out again`;
    if (d.phase !== 'Failed') d.enter('Failed', why);
    else s.message = why;
    return;
  }
  startRollout(d);
}
