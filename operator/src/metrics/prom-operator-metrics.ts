import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { checkNameOf } from '../analysis/checks/registry.js';
import type { AnalysisResult, AnalysisTarget, Verdict } from '../analysis/types.js';
import type { ControllerMetrics, OperatorMetrics } from './types.js';

/** Phases a ModelDeployment can be in; the phase gauge has one series per phase. */
export const PHASES = [
  'Idle',
  'Initializing',
  'Shadowing',
  'Canary',
  'Promoting',
  'Succeeded',
  'RollingBack',
  'Failed',
  'Paused',
] as const;

const VERDICTS: Verdict[] = ['pass', 'fail', 'inconclusive'];
const BOUNDS = ['max', 'min', 'maxRatioToMaster'] as const;

function split(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0
    ? { namespace: '', name: key }
    : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** OperatorMetrics and ControllerMetrics in a registry of their own, all prefixed `modelrollout_`. */
export class PromOperatorMetrics implements OperatorMetrics, ControllerMetrics {
  readonly registry = new Registry();
  private readonly r = [this.registry];
  private readonly phase = new Gauge({
    name: 'modelrollout_phase',
    help: 'Current phase of each ModelDeployment (1 for the current phase, 0 for the others)',
    labelNames: ['namespace', 'name', 'phase'] as const,
    registers: this.r,
  });
  private readonly transitions = new Counter({
    name: 'modelrollout_phase_transitions_total',
    help: 'Phase changes of ModelDeployments',
    labelNames: ['namespace', 'name', 'from', 'to'] as const,
    registers: this.r,
  });
  private readonly checkValue = new Gauge({
    name: 'modelrollout_analysis_check_value',
    help: 'Last measured value of an analysis check, by variant (candidate or master)',
    labelNames: ['namespace', 'name', 'check', 'variant'] as const,
    registers: this.r,
  });
  private readonly checkThreshold = new Gauge({
    name: 'modelrollout_analysis_check_threshold',
    help: 'Bounds of an analysis check (max, min, maxRatioToMaster)',
    labelNames: ['namespace', 'name', 'check', 'bound'] as const,
    registers: this.r,
  });
  private readonly checkSamples = new Gauge({
    name: 'modelrollout_analysis_check_samples',
    help: 'Candidate requests (or shadow pairs) the last value of a check rests on',
    labelNames: ['namespace', 'name', 'check'] as const,
    registers: this.r,
  });
  private readonly checkVerdict = new Gauge({
    name: 'modelrollout_analysis_check_verdict',
    help: 'Last verdict of an analysis check (1 for the current verdict, 0 for the others)',
    labelNames: ['namespace', 'name', 'check', 'verdict'] as const,
    registers: this.r,
  });
  private readonly analysisRuns = new Counter({
    name: 'modelrollout_analysis_runs_total',
    help: 'Analysis runs by overall verdict',
    labelNames: ['namespace', 'name', 'verdict'] as const,
    registers: this.r,
  });
  private readonly promotions = new Counter({
    name: 'modelrollout_promotions_total',
    help: 'Candidates promoted to master',
    labelNames: ['namespace', 'name'] as const,
    registers: this.r,
  });
  private readonly rollbacks = new Counter({
    name: 'modelrollout_rollbacks_total',
    help: 'Rollouts rolled back, by reason',
    labelNames: ['namespace', 'name', 'reason'] as const,
    registers: this.r,
  });
  private readonly reconcileDuration = new Histogram({
    name: 'modelrollout_reconcile_duration_seconds',
    help: 'Duration of reconcile passes',
    labelNames: ['outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10, 30],
    registers: this.r,
  });
  private readonly reconcileErrors = new Counter({
    name: 'modelrollout_reconcile_errors_total',
    help: 'Reconcile passes that failed and were retried with backoff',
    registers: this.r,
  });
  private readonly queueDepth = new Gauge({
    name: 'modelrollout_workqueue_depth',
    help: 'Keys waiting in the work queue',
    registers: this.r,
  });
  private readonly leader = new Gauge({
    name: 'modelrollout_leader',
    help: 'Whether this replica holds the leader lease (1) or not (0)',
    registers: this.r,
  });
  private readonly informerRestarts = new Counter({
    name: 'modelrollout_informer_restarts_total',
    help: 'Informers restarted after stopping on an error',
    labelNames: ['resource'] as const,
    registers: this.r,
  });

  /** Label values set per ModelDeployment key, so `forget` and renamed checks leave no stale series. */
  private readonly phasesSeen = new Map<string, Set<string>>();
  private readonly checksSeen = new Map<string, Set<string>>();

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true)
      collectDefaultMetrics({ register: this.registry, prefix: 'modelrollout_' });
    this.queueDepth.set(0);
    this.leader.set(0);
  }

  recordPhase(key: string, phase: string): void {
    const id = split(key);
    // The promotions counter exists from the first sight at zero, so increase() counts the first
    // promotion too (a series born at 1 shows no increase).
    if (!this.phasesSeen.has(key)) this.promotions.inc(id, 0);
    const seen = new Set<string>([...PHASES, ...(this.phasesSeen.get(key) ?? []), phase]);
    this.phasesSeen.set(key, seen);
    for (const p of seen) this.phase.set({ ...id, phase: p }, p === phase ? 1 : 0);
  }

  recordTransition(key: string, from: string, to: string): void {
    this.transitions.inc({ ...split(key), from, to });
    this.recordPhase(key, to);
  }

  recordAnalysis(target: AnalysisTarget, result: AnalysisResult): void {
    const id = { namespace: target.namespace, name: target.name };
    this.analysisRuns.inc({ ...id, verdict: result.verdict });
    const specs = new Map(target.settings.checks.map((spec, i) => [checkNameOf(spec, i), spec]));
    const key = `${target.namespace}/${target.name}`;
    const names = new Set(result.checks.map((c) => c.name));
    for (const old of this.checksSeen.get(key) ?? [])
      if (!names.has(old)) this.removeCheck({ ...id, check: old });
    this.checksSeen.set(key, names);
    for (const check of result.checks) {
      const labels = { ...id, check: check.name };
      for (const variant of ['candidate', 'master'] as const) {
        const value = check[variant];
        if (value === null) this.checkValue.remove({ ...labels, variant });
        else this.checkValue.set({ ...labels, variant }, value);
      }
      this.checkSamples.set(labels, check.samples);
      for (const v of VERDICTS) this.checkVerdict.set({ ...labels, verdict: v }, v === check.verdict ? 1 : 0);
      const spec = specs.get(check.name);
      for (const bound of BOUNDS) {
        const value = spec?.[bound];
        if (value === undefined) this.checkThreshold.remove({ ...labels, bound });
        else this.checkThreshold.set({ ...labels, bound }, value);
      }
    }
  }

  recordPromotion(key: string): void {
    this.promotions.inc(split(key));
  }

  recordRollback(key: string, reason: string): void {
    this.rollbacks.inc({ ...split(key), reason });
  }

  forget(key: string): void {
    const id = split(key);
    for (const phase of this.phasesSeen.get(key) ?? []) this.phase.remove({ ...id, phase });
    for (const check of this.checksSeen.get(key) ?? []) this.removeCheck({ ...id, check });
    this.promotions.remove(id);
    this.phasesSeen.delete(key);
    this.checksSeen.delete(key);
  }

  private removeCheck(labels: { namespace: string; name: string; check: string }): void {
    for (const variant of ['candidate', 'master']) this.checkValue.remove({ ...labels, variant });
    for (const bound of BOUNDS) this.checkThreshold.remove({ ...labels, bound });
    for (const verdict of VERDICTS) this.checkVerdict.remove({ ...labels, verdict });
    this.checkSamples.remove(labels);
  }

  observeReconcile(seconds: number, outcome: 'success' | 'error'): void {
    this.reconcileDuration.observe({ outcome }, seconds);
    if (outcome === 'error') this.reconcileErrors.inc();
  }

  setQueueDepth(depth: number): void {
    this.queueDepth.set(depth);
  }

  setLeader(leading: boolean): void {
    this.leader.set(leading ? 1 : 0);
  }

  recordInformerRestart(resource: string): void {
    this.informerRestarts.inc({ resource });
  }
}
