import type { AnalysisResult, AnalysisTarget } from '../analysis/types.js';

/**
 * What the reconciler reports about ModelDeployments. Keys are `namespace/name`. All methods are
 * cheap and never throw; calling one twice with the same arguments is harmless except for the
 * counters (`recordPromotion`, `recordRollback`), which count events.
 */
export interface OperatorMetrics {
  /** Sets the current phase of a ModelDeployment (gauge 1 for it, 0 for every other phase). */
  recordPhase(key: string, phase: string): void;
  /** Records a phase change (sets the phase gauge and counts the transition). */
  recordTransition(key: string, from: string, to: string): void;
  /** Exports each check's candidate/master value, thresholds, samples and verdict of one analysis run. */
  recordAnalysis(target: AnalysisTarget, result: AnalysisResult): void;
  /** Counts a promotion (candidate became master). */
  recordPromotion(key: string): void;
  /** Counts a rollback; `reason` is a short CamelCase word (AnalysisFailed, ProgressDeadlineExceeded, Aborted...). */
  recordRollback(key: string, reason: string): void;
  /** Drops every series of a ModelDeployment that no longer exists. */
  forget(key: string): void;
}

/** What the controller machinery reports about itself. */
export interface ControllerMetrics {
  /** One reconcile pass took `seconds` and ended in `outcome`. */
  observeReconcile(seconds: number, outcome: 'success' | 'error'): void;
  /** Keys waiting in the work queue. */
  setQueueDepth(depth: number): void;
  /** Whether this replica holds the leader lease. */
  setLeader(leading: boolean): void;
  /** An informer stopped on an error and is being restarted. */
  recordInformerRestart(resource: string): void;
}
