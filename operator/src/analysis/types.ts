/** Outcome of one check, or of a whole analysis run. */
export type Verdict = 'pass' | 'fail' | 'inconclusive';

/** Built-in checks that know the model-server's and router's metric names. */
export type BuiltinCheck =
  'errorRate' | 'latencyP99' | 'predictionShift' | 'shadowDivergence' | 'inputDrift' | 'predictionDrift';

/** One entry of `spec.analysis.checks` (shape enforced by the CRD schema). */
export interface CheckSpec {
  /** A built-in check; exclusive with `query`. */
  builtin?: BuiltinCheck;
  /** Name shown in status; required for custom checks, defaults to the builtin's name. */
  name?: string;
  /** Custom PromQL with `{{namespace}}`, `{{name}}`, `{{variant}}`, `{{version}}`, `{{interval}}`. */
  query?: string;
  /** Candidate value must be <= max. */
  max?: number;
  /** Candidate value must be >= min. */
  min?: number;
  /** Candidate value must be <= master value × this ratio (relative checks). */
  maxRatioToMaster?: number;
  /** Quantile for quantile-based checks (shadowDivergence), 0 < q < 1. */
  quantile?: number;
}

/** `spec.analysis` as the analyzer needs it (durations already parsed). */
export interface AnalysisSettings {
  intervalSeconds: number;
  minSampleCount: number;
  prometheusAddress: string;
  checks: CheckSpec[];
}

/** Which rollout is analysed: the candidate and master versions of one ModelDeployment. */
export interface AnalysisTarget {
  namespace: string;
  name: string;
  masterVersion: string;
  candidateVersion: string;
  /** Shadowing: both variants saw the same inputs; Canary: disjoint random subsets. */
  mode: 'shadow' | 'canary';
  settings: AnalysisSettings;
}

/** One check's values and verdict, as written to `status.lastAnalysis.checks`. */
export interface CheckResult {
  name: string;
  /** Candidate's measured value; null when there was none. */
  candidate: number | null;
  /** Master's value for relative checks; null otherwise or when there was none. */
  master: number | null;
  /** Human-readable threshold, e.g. `<= 0.01` or `<= 1.25 × master`. */
  threshold: string;
  /** Candidate requests (or pairs) in the window the value rests on. */
  samples: number;
  verdict: Verdict;
  /** Why the verdict is what it is when not obvious (no data, provider unreachable, thin data). */
  reason?: string;
}

/** Result of one analysis run: fail if any check failed, else inconclusive if any was, else pass. */
export interface AnalysisResult {
  /** RFC 3339 time of the run. */
  time: string;
  verdict: Verdict;
  checks: CheckResult[];
}

/** Runs every check of a target's analysis once. */
export interface Analyzer {
  /** Evaluates all checks; never throws (provider trouble becomes `inconclusive`). */
  analyze(target: AnalysisTarget): Promise<AnalysisResult>;
}
