/**
 * spec.paused: freezes a rollout (timers stop, traffic stays as it is, no analysis) and holds new
 * rollouts. Promoting and RollingBack are finishing moves and are never paused.
 */
import type { PausablePhase, Phase } from '../api/types.js';
import type { Draft } from './draft.js';

const PAUSABLE: ReadonlySet<Phase> = new Set<PausablePhase>([
  'Idle',
  'Initializing',
  'Shadowing',
  'Canary',
  'Succeeded',
  'Failed',
]);

function isPausable(phase: Phase): phase is PausablePhase {
  return PAUSABLE.has(phase);
}

function shifted(iso: string | undefined, ms: number): string | undefined {
  return iso === undefined ? undefined : new Date(Date.parse(iso) + ms).toISOString();
}

/** Enters or leaves Paused as spec.paused says. */
export function applyPause(d: Draft): void {
  const s = d.status;
  const phase = d.phase;
  if (d.spec.paused && isPausable(phase)) {
    s.pausedPhase = phase;
    s.pausedAt = d.nowIso;
    s.phase = 'Paused';
    s.message = `Paused in ${s.pausedPhase}; set spec.paused to false to resume`;
    d.emit('Normal', 'RolloutPaused', `Paused in phase ${s.pausedPhase}`);
  } else if (!d.spec.paused && d.phase === 'Paused') {
    // Timers resume where they stopped: move their origins forward by the time spent paused.
    const pausedFor = Math.max(0, d.since(s.pausedAt));
    s.phaseStartedAt = shifted(s.phaseStartedAt, pausedFor);
    s.stepStartedAt = shifted(s.stepStartedAt, pausedFor);
    s.phase = s.pausedPhase ?? 'Idle';
    delete s.pausedAt;
    delete s.pausedPhase;
    d.emit(
      'Normal',
      'RolloutResumed',
      `Resumed phase ${s.phase} after ${Math.round(pausedFor / 1000)}s paused`,
    );
  }
}
