/** What the demo prints: a live view of one rollout and the closing summary (pure rendering). */
import type { ModelDeployment, ModelDeploymentSpec } from '../../operator/src/api/types.js';
import { parseDuration } from '../../operator/src/api/duration.js';
import { table } from '../../operator/src/plugin/format.js';

const BAR = 30;

/** `[██████░░░░]  40%` for a fraction in 0..1. */
export function progressBar(fraction: number): string {
  const f = Math.min(1, Math.max(0, fraction));
  const full = Math.round(f * BAR);
  return `[${'█'.repeat(full)}${'░'.repeat(BAR - full)}] ${String(Math.round(f * 100)).padStart(3)}%`;
}

/** How far the current phase or step has come, when it has a duration. */
function stageProgress(md: ModelDeployment, spec: ModelDeploymentSpec, now: number): string | undefined {
  const s = md.status ?? {};
  if (s.phase === 'Shadowing' && spec.strategy?.shadow?.duration && s.phaseStartedAt) {
    const total = parseDuration(spec.strategy.shadow.duration, 'spec.strategy.shadow.duration');
    return `shadow        ${progressBar((now - Date.parse(s.phaseStartedAt)) / total)}`;
  }
  if (s.phase === 'Canary' && spec.strategy?.canary && s.stepStartedAt) {
    const steps = spec.strategy.canary.steps;
    const total = parseDuration(
      spec.strategy.canary.stepDuration ?? '1m',
      'spec.strategy.canary.stepDuration',
    );
    const step = (s.currentStep ?? 0) + 1;
    return `step ${step}/${steps.length} (${steps[step - 1]}%)  ${progressBar((now - Date.parse(s.stepStartedAt)) / total)}`;
  }
  return undefined;
}

/** The lines of the live view. */
export function liveView(md: ModelDeployment, now: number): string[] {
  const s = md.status ?? {};
  const lines = [
    `phase ${s.phase ?? '-'}   master ${s.master?.version ?? '-'} (${s.master?.readyReplicas ?? 0} ready)   ` +
      `candidate ${s.candidate?.version ?? '-'} (${s.candidate?.readyReplicas ?? 0} ready)   ` +
      `weight ${s.canaryWeight ?? 0}%   mirror ${s.mirrorPercent ?? 0}%`,
  ];
  const progress = stageProgress(md, md.spec, now);
  if (progress) lines.push(progress);
  lines.push(
    `checks: ${s.failedChecks ?? 0}/${md.spec.analysis.failureLimit ?? '-'} failed, ` +
      `${s.inconclusiveChecks ?? 0}/${md.spec.analysis.inconclusiveLimit ?? '-'} inconclusive` +
      (s.lastAnalysis ? `   last analysis: ${s.lastAnalysis.verdict}` : ''),
  );
  if (s.lastAnalysis) {
    const fmt = (v: number | null) => (v === null ? '-' : String(Number(v.toPrecision(4))));
    lines.push(
      ...table(
        ['  CHECK', 'CANDIDATE', 'MASTER', 'THRESHOLD', 'SAMPLES', 'VERDICT'],
        s.lastAnalysis.checks.map((c) => [
          `  ${c.name}`,
          fmt(c.candidate),
          fmt(c.master),
          c.threshold,
          String(c.samples),
          c.verdict,
        ]),
      ).split('\n'),
    );
  }
  if (s.message) lines.push(`message: ${s.message}`);
  return lines;
}

/** One finished rollout of the demo. */
export interface RolloutSummary {
  version: string;
  outcome: string;
  seconds: number;
  reason: string;
  servedByVersion: Record<string, number>;
}

export function summaryTable(rows: RolloutSummary[]): string {
  return table(
    ['ROLLOUT', 'OUTCOME', 'DURATION', 'ANSWERS BY VERSION', 'REASON'],
    rows.map((r) => [
      r.version,
      r.outcome,
      `${Math.round(r.seconds)} s`,
      Object.entries(r.servedByVersion)
        .map(([v, n]) => `${v}: ${n}`)
        .join(', '),
      r.reason,
    ]),
  );
}
