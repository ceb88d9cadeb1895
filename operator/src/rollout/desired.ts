/** What the phase implies for the children and the traffic split. */
import type { ResolvedModel } from '../api/defaults.js';
import { modelOf } from '../api/model.js';
import type { Phase } from '../api/types.js';
import type { Draft } from './draft.js';
import type { DesiredTraffic } from './types.js';

/** Phases in which the candidate Deployment exists. */
const WITH_CANDIDATE: ReadonlySet<Phase> = new Set(['Initializing', 'Shadowing', 'Canary', 'Promoting']);

/** The phase whose traffic and children apply: while Paused, those of the interrupted phase. */
function governingPhase(d: Draft): Phase {
  return d.phase === 'Paused' ? (d.status.pausedPhase ?? 'Idle') : d.phase;
}

/** Traffic split of the final phase; Paused keeps the split in force when it paused. */
export function desiredTraffic(d: Draft): DesiredTraffic {
  const phase = d.phase;
  if (phase === 'Paused' && WITH_CANDIDATE.has(governingPhase(d))) {
    return { canaryWeight: d.status.canaryWeight ?? 0, mirrorPercent: d.status.mirrorPercent ?? 0 };
  }
  if (phase === 'Shadowing') return { canaryWeight: 0, mirrorPercent: d.spec.shadow?.mirrorPercent ?? 100 };
  if (phase === 'Canary') {
    const steps = d.spec.canary?.steps ?? [];
    const step = Math.min(d.status.currentStep ?? 0, steps.length - 1);
    return { canaryWeight: steps[step] ?? 0, mirrorPercent: 0 };
  }
  return { canaryWeight: 0, mirrorPercent: 0 };
}

/** Models of the master and (when one is wanted) candidate Deployments. */
export function desiredModels(d: Draft): { master: ResolvedModel; candidate: ResolvedModel | null } {
  const sizing = d.spec.model;
  const master = modelOf(d.status.master!, sizing);
  const candidate =
    d.status.candidate && WITH_CANDIDATE.has(governingPhase(d)) ? modelOf(d.status.candidate, sizing) : null;
  return { master, candidate };
}
