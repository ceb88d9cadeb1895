/** Marking control requests handled, and the phase groups controls are judged by. */
import type { ControlName } from '../api/controls.js';
import type { Phase } from '../api/types.js';
import type { Draft } from './draft.js';

/** Phases in which a rollout is under way and can still be aborted or superseded. */
export const ACTIVE_PHASES: ReadonlySet<Phase> = new Set(['Initializing', 'Shadowing', 'Canary']);
/** Phases without a rollout in progress. */
export const STEADY_PHASES: ReadonlySet<Phase> = new Set(['Idle', 'Succeeded', 'Failed']);

/** The phase that counts for decisions: the interrupted one while Paused. */
export function effectivePhase(d: Draft): Phase {
  return d.phase === 'Paused' ? (d.status.pausedPhase ?? 'Idle') : d.phase;
}

/** Records the pending token of `control` as acted on. */
export function markHandled(d: Draft, control: ControlName): void {
  const token = d.input.controls[control];
  if (token === undefined) return;
  d.status.handledControls = { ...d.status.handledControls, [control]: token };
}

/** Marks `control` handled without acting on it, telling the user why. */
export function ignoreControl(d: Draft, control: ControlName, why: string): void {
  markHandled(d, control);
  d.emit('Normal', 'ControlIgnored', `${control} request ignored: ${why}`);
}
