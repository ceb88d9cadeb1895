/** The Ready, Progressing and AnalysisPassing conditions of a decided status. */
import { CONDITION_TYPES, REASONS, setCondition, type ConditionInput } from '../api/conditions.js';
import type { Draft } from './draft.js';
import { promotionStalled } from './phases/promoting.js';

/** Ready means master serves at full capacity (during a promotion, old and new pods together). */
function ready(d: Draft): Omit<ConditionInput, 'type' | 'observedGeneration'> {
  const master = d.status.master!;
  const seen = d.input.master;
  const current = seen.ready && seen.fingerprint === master.fingerprint;
  const counts = `${seen.readyReplicas}/${master.replicas} replicas ready`;
  const message = `Master ${master.version}: ${counts}${current ? '' : ' (rolling out)'}`;
  if (seen.fingerprint !== null && seen.readyReplicas >= master.replicas) {
    return { status: 'True', reason: REASONS.MasterReady, message };
  }
  return { status: 'False', reason: REASONS.MasterNotReady, message };
}

function progressing(d: Draft): Omit<ConditionInput, 'type' | 'observedGeneration'> {
  const message = d.status.message ?? '';
  switch (d.phase) {
    case 'Paused':
      return { status: 'Unknown', reason: REASONS.RolloutPaused, message };
    case 'Succeeded':
      return { status: 'False', reason: REASONS.RolloutSucceeded, message };
    case 'Failed':
      return { status: 'False', reason: REASONS.RolloutFailed, message };
    case 'Idle':
      return { status: 'False', reason: REASONS.NoRollout, message };
    default:
      if (promotionStalled(d)) return { status: 'False', reason: REASONS.PromotionStalled, message };
      return { status: 'True', reason: REASONS.RolloutInProgress, message };
  }
}

function analysisPassing(d: Draft): Omit<ConditionInput, 'type' | 'observedGeneration'> {
  const last = d.status.lastAnalysis;
  if (!last)
    return {
      status: 'Unknown',
      reason: REASONS.AnalysisPending,
      message: 'No analysis has run for this rollout',
    };
  const summary = last.checks.map((c) => `${c.name}=${c.verdict}`).join(', ');
  const message = `Analysis at ${last.time}: ${summary}`;
  if (last.verdict === 'pass') return { status: 'True', reason: REASONS.AnalysisPassed, message };
  if (last.verdict === 'fail') return { status: 'False', reason: REASONS.AnalysisFailed, message };
  return { status: 'Unknown', reason: REASONS.AnalysisInconclusive, message };
}

/** Sets the three conditions from the draft's final state. */
export function applyConditions(d: Draft): void {
  const observedGeneration = d.input.generation;
  let conditions = d.status.conditions;
  const parts = [
    [CONDITION_TYPES.Ready, ready(d)],
    [CONDITION_TYPES.Progressing, progressing(d)],
    [CONDITION_TYPES.AnalysisPassing, analysisPassing(d)],
  ] as const;
  for (const [type, body] of parts) {
    conditions = setCondition(conditions, { type, observedGeneration, ...body }, d.nowIso);
  }
  d.status.conditions = conditions;
}
