/**
 * What can interrupt any phase before its own logic runs: the abort control, controls that make no
 * sense in the current phase, and a change of spec.model in the middle of a rollout.
 */
import { modelFingerprint } from '../api/model.js';
import { ACTIVE_PHASES, effectivePhase, ignoreControl, markHandled, STEADY_PHASES } from './controls.js';
import type { Draft } from './draft.js';
import { finishRollout, startRollback, startRollout } from './transitions.js';

/** A rollout in progress whose candidate no longer matches spec.model is cancelled or superseded. */
function followSpecChange(d: Draft): void {
  const s = d.status;
  const wanted = modelFingerprint(d.spec.model);
  if (!s.candidate || !s.master || wanted === s.candidate.fingerprint) return;
  if (wanted === s.master.fingerprint) {
    startRollback(d, 'Cancelled', `spec.model was set back to master's model ${s.master.version}`);
  } else if (wanted === s.failedFingerprint) {
    startRollback(d, 'Superseded', `spec.model changed to ${d.spec.model.version}, which already failed`);
  } else {
    const old = s.candidate.version;
    finishRollout(d, 'Superseded', `spec.model changed to ${d.spec.model.version}`);
    d.emit('Normal', 'RolloutSuperseded', `Rollout of ${old} replaced by ${d.spec.model.version}`);
    startRollout(d);
  }
}

/** Applies interrupts; the phase handler then runs on whatever phase results. */
export function applyInterrupts(d: Draft): void {
  const { abort, retry, promote } = d.input.controls;
  const phase = effectivePhase(d);
  const active = ACTIVE_PHASES.has(phase);
  if (abort !== undefined) {
    if (active) {
      markHandled(d, 'abort');
      startRollback(d, 'Aborted', 'abort requested');
      return;
    }
    ignoreControl(d, 'abort', `no rollout to abort (phase ${d.phase})`);
  }
  // Left pending: retry is the steady phases' business (after a resume when paused).
  if (retry !== undefined && !STEADY_PHASES.has(phase))
    ignoreControl(d, 'retry', `a rollout is in progress (phase ${d.phase})`);
  // Left pending while active: Shadowing/Canary act on it; Initializing/Paused defer it.
  if (promote !== undefined && !active)
    ignoreControl(d, 'promote', `no rollout to promote (phase ${d.phase})`);
  if (active) followSpecChange(d);
}
