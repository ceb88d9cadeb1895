/**
 * Status conditions (Kubernetes conventions): types, reasons, and a setter that keeps
 * `lastTransitionTime` when the status does not change.
 */
import type { Condition } from './types.js';

export const CONDITION_TYPES = {
  /** Master serves at full capacity: as many ready replicas as spec.model.replicas asks for. */
  Ready: 'Ready',
  /** A rollout is moving (True), paused (Unknown), or none is in progress (False). */
  Progressing: 'Progressing',
  /** Verdict of the last analysis of the rollout in progress (Unknown: none yet, or inconclusive). */
  AnalysisPassing: 'AnalysisPassing',
} as const;

export type ConditionType = (typeof CONDITION_TYPES)[keyof typeof CONDITION_TYPES];

/** Condition reasons, CamelCase as the conventions ask. */
export const REASONS = {
  MasterReady: 'MasterReady',
  MasterNotReady: 'MasterNotReady',
  InvalidSpec: 'InvalidSpec',
  RolloutInProgress: 'RolloutInProgress',
  RolloutPaused: 'RolloutPaused',
  RolloutSucceeded: 'RolloutSucceeded',
  RolloutFailed: 'RolloutFailed',
  NoRollout: 'NoRollout',
  PromotionStalled: 'PromotionStalled',
  AnalysisPassed: 'AnalysisPassed',
  AnalysisFailed: 'AnalysisFailed',
  AnalysisInconclusive: 'AnalysisInconclusive',
  AnalysisPending: 'AnalysisPending',
} as const;

export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

/** The condition of `type`, if any. */
export function findCondition(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * `conditions` with `next` set: its `lastTransitionTime` is `now` when the status changed (or the
 * condition is new) and is kept otherwise. Order of the other conditions is preserved.
 */
export function setCondition(
  conditions: Condition[] | undefined,
  next: ConditionInput,
  now: string,
): Condition[] {
  const list = conditions ?? [];
  const old = findCondition(list, next.type);
  const lastTransitionTime = old && old.status === next.status ? old.lastTransitionTime : now;
  const merged: Condition = { ...next, lastTransitionTime };
  return old ? list.map((c) => (c.type === next.type ? merged : c)) : [...list, merged];
}
