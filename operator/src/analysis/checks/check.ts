import type { CheckSpec, Verdict } from '../types.js';

/** The two sides of a rollout a query can be about. */
export type Variant = 'candidate' | 'master';

/** Everything a check needs to render its queries for one ModelDeployment. */
export interface CheckContext {
  namespace: string;
  name: string;
  masterVersion: string;
  candidateVersion: string;
  intervalSeconds: number;
  mode: 'shadow' | 'canary';
}

/** A check's verdict on measured values, before sample counts and provider errors are considered. */
export interface ValueVerdict {
  verdict: Verdict;
  /** Why, when the verdict is not obvious from the values and the threshold. */
  reason?: string;
}

/**
 * One kind of check (a builtin or a custom query): renders PromQL and judges the values.
 * Implementations are pure; the analyzer runs the queries.
 */
export interface CheckKind {
  /** Analysis modes the check means something in; it is skipped (and passes) in the others. */
  readonly modes: ReadonlyArray<CheckContext['mode']>;
  /** PromQL yielding this check's value for one variant. */
  query(spec: CheckSpec, ctx: CheckContext, variant: Variant): string;
  /** Whether the master's value is needed (relative checks). */
  needsMaster(spec: CheckSpec): boolean;
  /** PromQL for the sample count the value rests on; defaults to the candidate's request count. */
  samplesQuery?(spec: CheckSpec, ctx: CheckContext): string;
  /** Human-readable threshold, e.g. `<= 0.01` or `<= 1.25 × master`. */
  threshold(spec: CheckSpec): string;
  /**
   * Pass or fail from the measured values (master is null when not needed). `labels` are those of
   * the series the candidate's value came from, for a reason such as the worst feature of a
   * `topk(1, ...)` query; empty for a scalar or an aggregate without labels.
   */
  evaluate(
    spec: CheckSpec,
    candidate: number,
    master: number | null,
    labels?: Readonly<Record<string, string>>,
  ): ValueVerdict;
}
