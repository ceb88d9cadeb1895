/** Inputs and outputs of the pure rollout state machine (decide.ts). */
import type { AnalysisResult } from '../analysis/types.js';
import type { PendingControls } from '../api/controls.js';
import type { ResolvedModel, ResolvedSpec } from '../api/defaults.js';
import type { ModelDeploymentStatus } from '../api/types.js';

/** What the reconciler saw of one model Deployment (`<name>-master` or `<name>-candidate`). */
export interface WorkloadObservation {
  /** Model fingerprint the Deployment's pods run; null when the Deployment does not exist. */
  fingerprint: string | null;
  readyReplicas: number;
  /**
   * True when the Deployment has fully rolled out: its controller saw the latest spec, every
   * desired replica is updated and ready, and no old replica is left.
   */
  ready: boolean;
}

/** Everything one decision rests on; the machine reads nothing else (no clock, no I/O). */
export interface RolloutInput {
  spec: ResolvedSpec;
  /** Status as read from the cluster (`{}` for a new object). */
  status: ModelDeploymentStatus;
  /** metadata.generation of the object read. */
  generation: number;
  /** Milliseconds since the epoch. */
  now: number;
  master: WorkloadObservation;
  candidate: WorkloadObservation;
  /** Result of the analysis run this pass, when planAnalysis said one was due. */
  analysis: AnalysisResult | null;
  /** Control requests not handled yet. */
  controls: PendingControls;
}

/** A Kubernetes Event to record against the ModelDeployment. */
export interface RolloutEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** Traffic split to put in force. */
export interface DesiredTraffic {
  /** Percent of live requests answered by the candidate. */
  canaryWeight: number;
  /** Percent of requests also copied to the candidate. */
  mirrorPercent: number;
}

/** What the cluster should look like after this pass. */
export interface RolloutDecision {
  /** The complete new status (written once, at the end of the pass). */
  status: ModelDeploymentStatus;
  /** Model of the `<name>-master` Deployment. */
  master: ResolvedModel;
  /** Model of the `<name>-candidate` Deployment; null: it must not exist. */
  candidate: ResolvedModel | null;
  traffic: DesiredTraffic;
  events: RolloutEvent[];
  /** When to look again (next analysis, end of a step, a deadline); undefined: only on change. */
  requeueAfterMs?: number;
}

/** An analysis the reconciler should run before deciding. */
export interface AnalysisPlan {
  mode: 'shadow' | 'canary';
  masterVersion: string;
  candidateVersion: string;
}

/** Why a rollout was rolled back (`status.rollbackReason`). */
export type RollbackReason =
  | 'AnalysisFailed'
  | 'AnalysisInconclusive'
  | 'ProgressDeadlineExceeded'
  | 'Aborted'
  | 'Cancelled'
  | 'Superseded';
