/** When analysis runs, and what its verdicts do to the rollout. */
import type { AnalysisResult, CheckResult } from '../analysis/types.js';
import type { ModelDeploymentStatus } from '../api/types.js';
import type { ResolvedSpec } from '../api/defaults.js';
import type { Draft } from './draft.js';
import { startRollback } from './transitions.js';
import type { AnalysisPlan, RolloutInput } from './types.js';

/** Start of the current analysis window series: the canary step, else the phase. */
function windowStart(status: ModelDeploymentStatus): number | undefined {
  const iso = status.phase === 'Canary' ? status.stepStartedAt : status.phaseStartedAt;
  return iso ? Date.parse(iso) : undefined;
}

/**
 * When the next analysis of a Shadowing or Canary rollout is due: one interval after the later of
 * the last analysis and the start of the stage, so that a window never mixes two weights.
 */
export function analysisDueAt(status: ModelDeploymentStatus, spec: ResolvedSpec): number | undefined {
  if (status.phase !== 'Shadowing' && status.phase !== 'Canary') return undefined;
  const start = windowStart(status);
  if (start === undefined) return undefined;
  const last = status.lastAnalysis ? Date.parse(status.lastAnalysis.time) : -Infinity;
  return Math.max(start, last) + spec.analysis.intervalMs;
}

/** The analysis the reconciler should run before deciding this pass, or null. */
export function planAnalysis(input: Omit<RolloutInput, 'analysis'>): AnalysisPlan | null {
  const { status, spec } = input;
  if (spec.paused || !status.master || !status.candidate) return null;
  const due = analysisDueAt(status, spec);
  if (due === undefined || input.now < due) return null;
  return {
    mode: status.phase === 'Shadowing' ? 'shadow' : 'canary',
    masterVersion: status.master.version,
    candidateVersion: status.candidate.version,
  };
}

/** True when the last analysis ran at or after `sinceIso` and passed. */
export function passedSince(d: Draft, sinceIso: string | undefined): boolean {
  const last = d.status.lastAnalysis;
  if (!last || last.verdict !== 'pass') return false;
  return !sinceIso || Date.parse(last.time) >= Date.parse(sinceIso);
}

function describe(checks: CheckResult[], verdict: CheckResult['verdict']): string {
  return checks
    .filter((c) => c.verdict === verdict)
    .map((c) => {
      const value = c.candidate === null ? 'no value' : String(Number(c.candidate.toPrecision(4)));
      return `${c.name} ${value} (want ${c.threshold}${c.reason ? `; ${c.reason}` : ''})`;
    })
    .join(', ');
}

/**
 * Records this pass's analysis result in the status, counts failed and inconclusive runs, and
 * starts a rollback when a limit is reached. Returns true when it started one.
 */
export function absorbAnalysis(d: Draft, result: AnalysisResult | null): boolean {
  if (!result) return false;
  const s = d.status;
  // The machine's clock, not the analyzer's, so that due times compare like with like.
  s.lastAnalysis = { time: d.nowIso, verdict: result.verdict, checks: result.checks };
  const { failureLimit, inconclusiveLimit } = d.spec.analysis;
  const version = s.candidate?.version;
  if (result.verdict === 'fail') {
    s.failedChecks = (s.failedChecks ?? 0) + 1;
    const failing = describe(result.checks, 'fail');
    d.emit(
      'Warning',
      'AnalysisFailed',
      `${version} failed analysis (${s.failedChecks}/${failureLimit}): ${failing}`,
    );
    if (s.failedChecks >= failureLimit) {
      startRollback(
        d,
        'AnalysisFailed',
        `analysis failed ${s.failedChecks} times (limit ${failureLimit}); last: ${failing}`,
      );
      return true;
    }
  } else if (result.verdict === 'inconclusive') {
    s.inconclusiveChecks = (s.inconclusiveChecks ?? 0) + 1;
    const unsure = describe(result.checks, 'inconclusive');
    const count = `${s.inconclusiveChecks}/${inconclusiveLimit}`;
    d.emit('Warning', 'AnalysisInconclusive', `${version} analysis inconclusive (${count}): ${unsure}`);
    if (s.inconclusiveChecks >= inconclusiveLimit) {
      const why = `analysis inconclusive ${s.inconclusiveChecks} times (limit ${inconclusiveLimit}); last: ${unsure}`;
      startRollback(d, 'AnalysisInconclusive', why);
      return true;
    }
  }
  return false;
}

/** Asks to be woken when the next analysis is due. */
export function wakeForAnalysis(d: Draft): void {
  const due = analysisDueAt(d.status, d.spec);
  if (due !== undefined) d.wakeAt(due);
}
