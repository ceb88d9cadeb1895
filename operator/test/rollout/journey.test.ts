/**
 * Whole rollouts through the pure machine in simulated time. The clock only moves to the wake-up
 * the machine asked for (or to a Deployment becoming ready, which a watch would report), so these
 * tests also prove that no requeue is missing or late.
 */
import test from 'ava';
import type { Verdict } from '../../src/analysis/types.js';
import type { PendingControls } from '../../src/api/controls.js';
import type { ResolvedSpec } from '../../src/api/defaults.js';
import { modelFingerprint } from '../../src/api/model.js';
import type { ModelDeploymentStatus } from '../../src/api/types.js';
import { decide, planAnalysis } from '../../src/rollout/index.js';
import type { AnalysisPlan, RolloutDecision, WorkloadObservation } from '../../src/rollout/types.js';
import { analysis, MIN, SEC, spec, T0 } from './fixtures.js';

/** A Deployment that becomes ready `readyAfterMs` after its model last changed. */
class FakeWorkload {
  fingerprint: string | null = null;
  changedAt = 0;
  constructor(private readonly readyAfterMs: number) {}
  set(fingerprint: string | null, now: number) {
    if (fingerprint !== this.fingerprint) Object.assign(this, { fingerprint, changedAt: now });
  }
  readyAt(): number | undefined {
    return this.fingerprint === null ? undefined : this.changedAt + this.readyAfterMs;
  }
  observe(now: number): WorkloadObservation {
    const ready = this.fingerprint !== null && now >= this.readyAt()!;
    return { fingerprint: this.fingerprint, readyReplicas: ready ? 1 : 0, ready };
  }
}

interface Journey {
  spec: ResolvedSpec;
  verdict?: (plan: AnalysisPlan, now: number) => Verdict;
  candidateReadyAfterMs?: number;
  /** Changes the spec or controls at a given time. */
  script?: (now: number, j: { spec: ResolvedSpec; controls: PendingControls }) => void;
  /** Times at which the script changes something (a watch event would trigger a pass). */
  edits?: number[];
  until?: (status: ModelDeploymentStatus) => boolean;
}

interface Step {
  now: number;
  phase: string;
  weight: number;
  mirror: number;
  events: string[];
  analysed?: string;
}

function run(
  j: Journey,
  maxPasses = 200,
): { steps: Step[]; status: ModelDeploymentStatus; analyses: number[] } {
  const master = new FakeWorkload(10 * SEC);
  const candidate = new FakeWorkload(j.candidateReadyAfterMs ?? 30 * SEC);
  const world = { spec: j.spec, controls: {} as PendingControls };
  let status: ModelDeploymentStatus = {};
  let now = T0;
  const steps: Step[] = [];
  const analyses: number[] = [];
  for (let pass = 0; pass < maxPasses; pass++) {
    j.script?.(now, world);
    const base = { spec: world.spec, status, generation: 1, now, controls: world.controls };
    const seen = { master: master.observe(now), candidate: candidate.observe(now) };
    const plan = planAnalysis({ ...base, ...seen });
    const result = plan ? analysis(j.verdict?.(plan, now) ?? 'pass') : null;
    if (plan) analyses.push(now);
    const out: RolloutDecision = decide({ ...base, ...seen, analysis: result });
    status = out.status;
    world.controls = {};
    master.set(modelFingerprint(out.master), now);
    candidate.set(out.candidate ? modelFingerprint(out.candidate) : null, now);
    steps.push({
      now: now - T0,
      phase: status.phase!,
      weight: out.traffic.canaryWeight,
      mirror: out.traffic.mirrorPercent,
      events: out.events.map((e) => e.reason),
      analysed: result?.verdict,
    });
    if (j.until?.(status) ?? (status.phase === 'Succeeded' || status.phase === 'Failed')) break;
    const requeueAt = out.requeueAfterMs === undefined ? undefined : now + out.requeueAfterMs;
    const wakeups = [master.readyAt(), candidate.readyAt(), ...(j.edits ?? [])].filter(
      (t): t is number => t !== undefined && t > now,
    );
    // A requeue of 0 (something is due already) means: look again right away.
    if (requeueAt !== undefined) wakeups.push(requeueAt);
    if (!wakeups.length) break;
    now = Math.min(...wakeups);
  }
  return { steps, status, analyses };
}

/** Starts from master v1 deployed, then spec v2 appears (first pass deploys v1). */
function fromV1(spec2: ResolvedSpec): Journey['script'] {
  return (now, w) => {
    w.spec = now === T0 ? spec('v1') : spec2;
  };
}

const phasesOf = (steps: Step[]) =>
  steps
    .map((s) => `${s.phase}${s.phase === 'Canary' ? `@${s.weight}` : ''}`)
    .filter((p, i, a) => p !== a[i - 1]);

test('happy path: shadow, two canary steps, promotion, on time', (t) => {
  const target = spec('v2');
  const { steps, status, analyses } = run({ spec: target, script: fromV1(target) });
  t.deepEqual(phasesOf(steps), [
    'Idle',
    'Initializing',
    'Shadowing',
    'Canary@10',
    'Canary@50',
    'Promoting',
    'Succeeded',
  ]);
  t.is(status.master?.version, 'v2');
  t.is(status.history?.[0]?.outcome, 'Promoted');
  const at = (phase: string) =>
    steps.find((s) => `${s.phase}${s.phase === 'Canary' ? `@${s.weight}` : ''}` === phase)!.now;
  // Shadow 10m, each step 5m, from the moment the candidate became ready (30 s after start).
  t.is(at('Canary@10') - at('Shadowing'), 10 * MIN);
  t.is(at('Canary@50') - at('Canary@10'), 5 * MIN);
  t.is(at('Promoting') - at('Canary@50'), 5 * MIN);
  // One analysis per interval while shadowing and in canary: 10 + 5 + 5.
  t.is(analyses.length, 20);
  t.true(steps.find((s) => s.phase === 'Shadowing')!.mirror === 50);
});

test('a failing candidate is rolled back after failureLimit intervals, then not retried', (t) => {
  const target = spec('v2');
  const { steps, status } = run({ spec: target, script: fromV1(target), verdict: () => 'fail' });
  const shadowAt = steps.find((s) => s.phase === 'Shadowing')!.now;
  const rollbackAt = steps.find((s) => s.phase === 'RollingBack')!.now;
  t.true(rollbackAt - shadowAt <= target.analysis.failureLimit * target.analysis.intervalMs);
  t.is(status.phase, 'Failed');
  t.is(status.failedVersion, 'v2');
  t.is(status.history?.[0]?.outcome, 'Failed');
  t.deepEqual(steps.find((s) => s.phase === 'RollingBack')!.events, ['AnalysisFailed', 'RollbackStarted']);
  const after = decide({
    spec: target,
    status,
    generation: 1,
    now: T0 + 60 * MIN,
    master: { fingerprint: status.master!.fingerprint, readyReplicas: 1, ready: true },
    candidate: { fingerprint: null, readyReplicas: 0, ready: false },
    analysis: null,
    controls: {},
  });
  t.is(after.status.phase, 'Failed');
  t.is(after.candidate, null);
});

test('no data is never promoted: inconclusive analyses roll back at inconclusiveLimit', (t) => {
  const target = spec('v2');
  const { steps, status } = run({ spec: target, script: fromV1(target), verdict: () => 'inconclusive' });
  t.false(steps.some((s) => s.phase === 'Canary' || s.phase === 'Promoting'));
  t.is(status.phase, 'Failed');
  t.is(status.history?.[0]?.reason?.startsWith('analysis inconclusive 5 times'), true);
});

test('a candidate that never gets ready is rolled back at progressDeadline', (t) => {
  const target = spec('v2');
  const { steps, status } = run({ spec: target, script: fromV1(target), candidateReadyAfterMs: 60 * MIN });
  const startAt = steps.find((s) => s.phase === 'Initializing')!.now;
  const rollbackAt = steps.find((s) => s.phase === 'RollingBack')!.now;
  t.is(rollbackAt - startAt, target.progressDeadlineMs);
  t.is(status.rollbackReason, 'ProgressDeadlineExceeded');
});

test('a pause in the canary stretches the rollout by the pause and runs no analysis meanwhile', (t) => {
  const target = spec('v2');
  const pauseAt = T0 + 12 * MIN;
  const resumeAt = pauseAt + 20 * MIN;
  const { steps, analyses } = run({
    spec: target,
    edits: [pauseAt, resumeAt],
    script: (now, w) => {
      if (now === T0) w.spec = spec('v1');
      else w.spec = now >= pauseAt && now < resumeAt ? spec('v2', { paused: true }) : target;
    },
  });
  t.deepEqual(phasesOf(steps), [
    'Idle',
    'Initializing',
    'Shadowing',
    'Canary@10',
    'Paused',
    'Canary@10',
    'Canary@50',
    'Promoting',
    'Succeeded',
  ]);
  t.deepEqual(
    analyses.filter((a) => a >= pauseAt && a < resumeAt),
    [],
  );
  t.is(steps.find((s) => s.phase === 'Paused')!.weight, 10, 'traffic kept while paused');
  const shadowAt = steps.find((s) => s.phase === 'Shadowing')!.now;
  const promotedAt = steps.find((s) => s.phase === 'Promoting')!.now;
  // 10m shadow + 2 × 5m steps + the 20m pause.
  t.is(promotedAt - shadowAt, 40 * MIN);
});

test('Manual promotion waits at the last step until the promote control', (t) => {
  const target = spec('v2', {
    strategy: { canary: { steps: [10, 50], stepDuration: '5m' }, promotion: 'Manual' },
  });
  const promoteAt = T0 + 60 * MIN;
  const { steps, status } = run({
    spec: target,
    edits: [promoteAt],
    script: (now, w) => {
      w.spec = now === T0 ? spec('v1') : target;
      if (now === promoteAt) w.controls = { promote: 'token-1' };
    },
  });
  const waiting = steps.filter(
    (s) => s.phase === 'Canary' && s.weight === 50 && s.now > 20 * MIN && s.now < 60 * MIN,
  );
  t.true(waiting.length > 10, 'analysis continues while waiting');
  t.is(steps.find((s) => s.phase === 'Promoting')!.now, 60 * MIN);
  t.is(status.phase, 'Succeeded');
  t.is(status.handledControls?.promote, 'token-1');
});
