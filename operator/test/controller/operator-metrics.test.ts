import test from 'ava';
import type { AnalysisResult, AnalysisTarget } from '../../src/analysis/types.js';
import { withAnalysisMetrics } from '../../src/metrics/analysis-metrics.js';
import { PhaseMetricsObserver } from '../../src/metrics/phase-observer.js';
import { PromOperatorMetrics } from '../../src/metrics/prom-operator-metrics.js';

async function exposition(m: PromOperatorMetrics): Promise<string> {
  return m.registry.metrics();
}

const target: AnalysisTarget = {
  namespace: 'ml',
  name: 'house-price',
  masterVersion: '1',
  candidateVersion: '2',
  mode: 'canary',
  settings: {
    intervalSeconds: 60,
    minSampleCount: 100,
    prometheusAddress: 'http://p:9090',
    checks: [
      { builtin: 'errorRate', max: 0.01 },
      { builtin: 'latencyP99', maxRatioToMaster: 1.25, max: 0.5 },
    ],
  },
};
const result: AnalysisResult = {
  time: '2025-01-01T00:00:00Z',
  verdict: 'fail',
  checks: [
    { name: 'errorRate', candidate: 0.02, master: null, threshold: '<= 0.01', samples: 300, verdict: 'fail' },
    { name: 'latencyP99', candidate: 0.1, master: 0.09, threshold: '...', samples: 300, verdict: 'pass' },
  ],
};

test('phase is a state set: 1 for the current phase, 0 for the others', async (t) => {
  const m = new PromOperatorMetrics({ processMetrics: false });
  m.recordPhase('ml/house-price', 'Shadowing');
  m.recordTransition('ml/house-price', 'Shadowing', 'Canary');
  const text = await exposition(m);
  t.regex(text, /modelrollout_phase\{namespace="ml",name="house-price",phase="Canary"\} 1/);
  t.regex(text, /modelrollout_phase\{namespace="ml",name="house-price",phase="Shadowing"\} 0/);
  t.regex(
    text,
    /modelrollout_phase_transitions_total\{namespace="ml",name="house-price",from="Shadowing",to="Canary"\} 1/,
  );
});

test('analysis values, thresholds, samples and verdicts are exported per check', async (t) => {
  const m = new PromOperatorMetrics({ processMetrics: false });
  m.recordAnalysis(target, result);
  const text = await exposition(m);
  t.regex(
    text,
    /modelrollout_analysis_check_value\{namespace="ml",name="house-price",check="errorRate",variant="candidate"\} 0.02/,
  );
  t.notRegex(text, /check="errorRate",variant="master"/, 'no master series without a master value');
  t.regex(text, /check_value\{[^}]*check="latencyP99",variant="master"\} 0.09/);
  t.regex(text, /check_threshold\{[^}]*check="latencyP99",bound="maxRatioToMaster"\} 1.25/);
  t.regex(text, /check_threshold\{[^}]*check="latencyP99",bound="max"\} 0.5/);
  t.regex(text, /check_threshold\{[^}]*check="errorRate",bound="max"\} 0.01/);
  t.regex(text, /check_samples\{[^}]*check="errorRate"\} 300/);
  t.regex(text, /check_verdict\{[^}]*check="errorRate",verdict="fail"\} 1/);
  t.regex(text, /check_verdict\{[^}]*check="errorRate",verdict="pass"\} 0/);
  t.regex(text, /modelrollout_analysis_runs_total\{namespace="ml",name="house-price",verdict="fail"\} 1/);
});

test('promotions, rollbacks by reason, reconcile figures, queue depth and leader', async (t) => {
  const m = new PromOperatorMetrics({ processMetrics: false });
  m.recordPromotion('ml/a');
  m.recordRollback('ml/a', 'AnalysisFailed');
  m.recordRollback('ml/a', 'AnalysisFailed');
  m.observeReconcile(0.02, 'success');
  m.observeReconcile(0.3, 'error');
  m.setQueueDepth(7);
  m.setLeader(true);
  m.recordInformerRestart('deployments');
  const text = await exposition(m);
  t.regex(text, /modelrollout_promotions_total\{namespace="ml",name="a"\} 1/);
  t.regex(text, /modelrollout_rollbacks_total\{namespace="ml",name="a",reason="AnalysisFailed"\} 2/);
  t.regex(text, /modelrollout_reconcile_duration_seconds_count\{outcome="success"\} 1/);
  t.regex(text, /modelrollout_reconcile_errors_total 1/);
  t.regex(text, /modelrollout_workqueue_depth 7/);
  t.regex(text, /modelrollout_leader 1/);
  t.regex(text, /modelrollout_informer_restarts_total\{resource="deployments"\} 1/);
});

test('forget drops every series of a deleted ModelDeployment; renamed checks leave no stale series', async (t) => {
  const m = new PromOperatorMetrics({ processMetrics: false });
  m.recordPhase('ml/house-price', 'Canary');
  m.recordAnalysis(target, result);
  m.recordAnalysis(
    { ...target, settings: { ...target.settings, checks: [{ builtin: 'errorRate', max: 0.01 }] } },
    { ...result, checks: [result.checks[0]] },
  );
  t.notRegex(await exposition(m), /check="latencyP99"/);
  m.recordPhase('ml/other', 'Idle');
  m.forget('ml/house-price');
  const text = await exposition(m);
  t.notRegex(text, /name="house-price"[^}]*\} [01]$/m);
  t.notRegex(text, /modelrollout_analysis_check_value\{/);
  t.regex(text, /modelrollout_phase\{namespace="ml",name="other",phase="Idle"\} 1/);
});

test('withAnalysisMetrics records every analysis run', async (t) => {
  const m = new PromOperatorMetrics({ processMetrics: false });
  const analyzer = withAnalysisMetrics({ analyze: async () => result }, m);
  t.is(await analyzer.analyze(target), result);
  t.regex(await exposition(m), /modelrollout_analysis_runs_total\{[^}]*verdict="fail"\} 1/);
});

test('the phase observer turns status changes into transitions, promotions and rollbacks', async (t) => {
  const m = new PromOperatorMetrics({ processMetrics: false });
  let leading = false;
  const observer = new PhaseMetricsObserver(m, () => leading);
  const md = (phase: string, rollbackReason?: string) => ({
    metadata: { namespace: 'ml', name: 'hp' },
    status: { phase, rollbackReason },
  });
  observer.observe(md('Canary'));
  observer.observe(md('Promoting'));
  let text = await exposition(m);
  t.regex(text, /modelrollout_phase\{[^}]*phase="Promoting"\} 1/);
  t.notRegex(text, /phase_transitions_total\{/, 'a standby does not count');
  leading = true;
  observer.observe(md('Promoting'));
  observer.observe(md('Succeeded'));
  observer.observe(md('Initializing'));
  observer.observe(md('RollingBack', 'ProgressDeadlineExceeded'));
  observer.observe(md('Failed', 'ProgressDeadlineExceeded'));
  text = await exposition(m);
  t.regex(text, /modelrollout_promotions_total\{namespace="ml",name="hp"\} 1/);
  t.regex(
    text,
    /modelrollout_rollbacks_total\{namespace="ml",name="hp",reason="ProgressDeadlineExceeded"\} 1/,
  );
  t.regex(text, /phase_transitions_total\{namespace="ml",name="hp",from="RollingBack",to="Failed"\} 1/);
  t.regex(text, /modelrollout_phase\{[^}]*phase="Failed"\} 1/);
  observer.deleted(md('Failed'));
  t.notRegex(await exposition(m), /modelrollout_phase\{/);
});
