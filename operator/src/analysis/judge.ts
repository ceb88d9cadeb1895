import type { CheckKind } from './checks/check.js';
import { NoDataError, ProviderUnreachableError, TooManySeriesError } from './metrics-provider.js';
import type { CheckResult, CheckSpec, Verdict } from './types.js';

/** What one query gave: a value (with its series' labels when known), or the error the provider threw. */
export type QueryOutcome = { value: number; labels?: Readonly<Record<string, string>> } | { error: Error };

/** Everything measured for one check, ready to be judged. */
export interface CheckMeasurement {
  name: string;
  spec: CheckSpec;
  kind: CheckKind;
  candidate: QueryOutcome;
  /** Absent when the check does not need the master's value. */
  master?: QueryOutcome;
  samples: QueryOutcome;
  minSampleCount: number;
}

/** Why a failed query leaves the check inconclusive, in words for `status.lastAnalysis`. */
export function describeQueryError(what: string, error: Error): string {
  if (error instanceof NoDataError) return `no data for ${what}`;
  if (error instanceof ProviderUnreachableError) return `metrics provider unreachable: ${error.message}`;
  if (error instanceof TooManySeriesError)
    return `${what} query returned ${error.seriesCount} series, expected 1`;
  return `${what} query failed: ${error.message}`;
}

const valueOf = (o: QueryOutcome | undefined): number | null => (o && 'value' in o ? o.value : null);

/**
 * Judges one check from its measurements. Inconclusive (never pass) when the provider failed,
 * a value is missing, or the candidate served fewer than `minSampleCount` requests; otherwise
 * the check kind's bounds decide.
 */
export function judgeCheck(m: CheckMeasurement): CheckResult {
  const candidate = valueOf(m.candidate);
  const master = valueOf(m.master);
  const base = { name: m.name, candidate, master, threshold: m.kind.threshold(m.spec) };
  let samples = 0;
  if ('value' in m.samples) samples = Math.round(m.samples.value);
  else if (!(m.samples.error instanceof NoDataError)) {
    return {
      ...base,
      samples,
      verdict: 'inconclusive',
      reason: describeQueryError('sample count', m.samples.error),
    };
  }
  const inconclusive = (reason: string): CheckResult => ({
    ...base,
    samples,
    verdict: 'inconclusive',
    reason,
  });
  if ('error' in m.candidate) return inconclusive(describeQueryError('candidate', m.candidate.error));
  if (m.master && 'error' in m.master) return inconclusive(describeQueryError('master', m.master.error));
  if (samples < m.minSampleCount) {
    return inconclusive(`thin data: ${samples} candidate samples < minSampleCount ${m.minSampleCount}`);
  }
  const labels = 'labels' in m.candidate ? m.candidate.labels : undefined;
  const judged = m.kind.evaluate(m.spec, candidate as number, master, labels);
  return { ...base, samples, verdict: judged.verdict, ...(judged.reason ? { reason: judged.reason } : {}) };
}

/** Fail if any check failed, else inconclusive if any was, else pass (no checks: inconclusive). */
export function combineVerdicts(verdicts: Verdict[]): Verdict {
  if (verdicts.includes('fail')) return 'fail';
  if (verdicts.includes('inconclusive') || verdicts.length === 0) return 'inconclusive';
  return 'pass';
}
