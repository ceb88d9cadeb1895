/** Which stored predictions an assessment covers. */
export interface AssessmentScope {
  model: string;
  version: string;
  /** `master` or `candidate` (whatever the model-server stored as its variant). */
  variant: string;
  /** RFC 3339 bounds of created_at: from inclusive, to exclusive. */
  from: string;
  to: string;
}

/** Limits that turn statistics into findings. */
export interface AssessmentThresholds {
  /** A test with p below this flags a difference. */
  pValue: number;
  /** A PSI at or above this flags drift (0.1 slight, 0.25 major by the usual rule of thumb). */
  psi: number;
}

/** A hypothesis test's outcome; pValue is null where the test is undefined (e.g. one bin). */
export interface TestResult {
  test: 'ks' | 'chi-square' | 'fisher';
  statistic: number;
  pValue: number | null;
  /** Degrees of freedom of a chi-square test. */
  dof?: number;
}

/** Training and live shares of each bin, for plots and for the PSI. */
export interface BinnedComparison {
  labels: string[];
  trainingCounts: number[];
  liveCounts: number[];
}

/** One feature compared with its training profile. */
export interface FeatureAssessment {
  feature: string;
  kind: 'numerical' | 'discrete' | 'categorical';
  trainingRows: number;
  liveRows: number;
  trainingMissingRate: number;
  liveMissingRate: number;
  /**
   * Missing rate live vs training: Fisher exact when an expected cell is below 5, else
   * chi-square; null when neither side has a missing value.
   */
  missing: TestResult | null;
  /** Distribution of present values: KS for numerical, chi-square for discrete and categorical. */
  distribution: TestResult | null;
  psi: number;
  bins: BinnedComparison;
  /** Numerical: live values outside the training range. */
  range?: {
    trainingMin: number;
    trainingMax: number;
    liveMin: number | null;
    liveMax: number | null;
    below: number;
    above: number;
  };
  /** Discrete and categorical: live values never seen in training, most frequent first. */
  unseen?: { value: string; count: number }[];
  /** Why this feature is flagged (empty when it is not). */
  findings: string[];
}

/** A distribution of predictions summarised for the report. */
export interface PredictionSummary {
  count: number;
  mean: number;
  quantiles: { p05: number; p50: number; p95: number };
}

/** The live prediction distribution against the training predictions. */
export interface PredictionAssessment {
  training: PredictionSummary;
  live: PredictionSummary;
  ks: TestResult;
  psi: number;
  bins: BinnedComparison;
  findings: string[];
}

/** Candidate against master on the same inputs (shadow pairs: same request, same position). */
export interface ShadowAssessment {
  candidateVersion: string;
  masterVersion: string;
  pairs: number;
  /** KS of the candidate's predictions against the master's on the paired inputs. */
  ks: TestResult;
  /** |candidate - master| / |master| over the pairs. */
  relativeDifference: { mean: number; p50: number; p95: number; p99: number; max: number };
  /** Mean of candidate - master (dollars): a systematic bias shows here. */
  meanDifference: number;
  /** Pairs whose relative difference is above 10 %. */
  overTenPercent: number;
  /** The two prediction distributions on shared bins: `trainingCounts` is the master, `liveCounts` the candidate. */
  bins: BinnedComparison;
  findings: string[];
}

/** Everything `model-server assess` found; serialised as the JSON output. */
export interface Assessment {
  scope: AssessmentScope;
  thresholds: AssessmentThresholds;
  /** Artifact the training profile came from. */
  artifact: { name: string; version: string; sha256: string; trainingRows: number };
  /** Stored predictions in scope (rows, including those left out by the model). */
  rows: number;
  features: FeatureAssessment[];
  prediction: PredictionAssessment | null;
  shadow: ShadowAssessment | null;
  /** `drift` when any finding was made, `ok` otherwise; `empty` when no rows were in scope. */
  verdict: 'ok' | 'drift' | 'empty';
  /** Time the assessment ran, and how long reading and computing took. */
  generatedAt: string;
  seconds: { read: number; compute: number };
}
