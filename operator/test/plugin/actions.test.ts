import test from 'ava';
import { ABORT_ANNOTATION, PROMOTE_ANNOTATION, RETRY_ANNOTATION } from '../../src/api/controls.js';
import type { ModelDeployment, Phase } from '../../src/api/types.js';
import { patchFor, refusal, type Action } from '../../src/plugin/actions.js';
import { age, historyView, statusView, table } from '../../src/plugin/format.js';

function md(
  phase: Phase | undefined,
  extra: { paused?: boolean; failedVersion?: string } = {},
): ModelDeployment {
  return {
    apiVersion: 'modelrollout.io/v1alpha1',
    kind: 'ModelDeployment',
    metadata: { name: 'house-price', namespace: 'ml' },
    spec: {
      model: { version: '2', image: 'img', artifact: { uri: 'file:///m.json' } },
      analysis: { prometheus: { address: 'http://p' }, failureLimit: 3, inconclusiveLimit: 5 },
      paused: extra.paused,
    },
    status: phase ? { phase, failedVersion: extra.failedVersion } : undefined,
  };
}

const cases: [Action, Phase | undefined, { paused?: boolean; failedVersion?: string }, RegExp | undefined][] =
  [
    ['promote', 'Canary', {}, undefined],
    ['promote', 'Shadowing', {}, undefined],
    ['promote', 'Idle', {}, /nothing to promote: house-price is Idle/],
    ['promote', undefined, {}, /nothing to promote/],
    ['promote', 'Promoting', {}, /already promoting/],
    ['promote', 'Failed', {}, /nothing to promote/],
    ['abort', 'Initializing', {}, undefined],
    ['abort', 'Succeeded', {}, /nothing to abort/],
    ['pause', 'Canary', {}, undefined],
    ['pause', 'Canary', { paused: true }, /already paused/],
    ['resume', 'Paused', { paused: true }, undefined],
    ['resume', 'Canary', {}, /not paused/],
    ['retry', 'Failed', { failedVersion: '2' }, undefined],
    ['retry', 'Canary', {}, /nothing to retry/],
    ['retry', 'Succeeded', {}, /nothing to retry/],
  ];
for (const [action, phase, extra, expected] of cases) {
  test(`${action} when ${phase ?? 'new'}${extra.paused ? ' (paused)' : ''}: ${expected ? 'refused' : 'allowed'}`, (t) => {
    const reason = refusal(action, md(phase, extra));
    if (expected) t.regex(reason ?? '', expected);
    else t.is(reason, undefined);
  });
}

test('patches: one-shot controls carry the token, pause/resume set spec.paused', (t) => {
  t.deepEqual(patchFor('promote', 'tok'), { metadata: { annotations: { [PROMOTE_ANNOTATION]: 'tok' } } });
  t.deepEqual(patchFor('abort', 'tok'), { metadata: { annotations: { [ABORT_ANNOTATION]: 'tok' } } });
  t.deepEqual(patchFor('retry', 'tok'), { metadata: { annotations: { [RETRY_ANNOTATION]: 'tok' } } });
  t.deepEqual(patchFor('pause', 'tok'), { spec: { paused: true } });
  t.deepEqual(patchFor('resume', 'tok'), { spec: { paused: false } });
});

test('table aligns columns', (t) => {
  t.is(
    table(
      ['A', 'BB'],
      [
        ['xyz', '1'],
        ['q', '22'],
      ],
    ),
    'A     BB\nxyz   1\nq     22',
  );
});

test('age is human-readable', (t) => {
  const now = new Date('2026-01-01T01:00:00Z');
  t.is(age('2026-01-01T00:59:30Z', now), '30s');
  t.is(age('2026-01-01T00:55:00Z', now), '5m');
  t.is(age('2026-01-01T00:54:50Z', now), '5m10s');
  t.is(age(undefined, now), '-');
});

test('status view shows the last analysis with values, thresholds and verdicts', (t) => {
  const m = md('Canary');
  m.spec.strategy = { canary: { steps: [10, 50] } };
  m.status = {
    phase: 'Canary',
    canaryWeight: 10,
    currentStep: 0,
    failedChecks: 1,
    master: { version: '1', image: 'i', fingerprint: 'f', artifact: {}, replicas: 2, readyReplicas: 2 },
    candidate: { version: '2', image: 'i', fingerprint: 'g', artifact: {}, replicas: 2, readyReplicas: 1 },
    lastAnalysis: {
      time: '2026-01-01T00:59:00Z',
      verdict: 'fail',
      checks: [
        {
          name: 'errorRate',
          candidate: 0.25,
          master: null,
          threshold: '<= 0.01',
          samples: 400,
          verdict: 'fail',
        },
      ],
    },
  };
  const text = statusView(m, new Date('2026-01-01T01:00:00Z'));
  t.regex(text, /Candidate:\s+2 \(1\/2 ready\)/);
  t.regex(text, /step 1\/2 \[10, 50\]/);
  t.regex(text, /1\/3 failed/);
  t.regex(text, /errorRate\s+0\.25\s+-\s+<= 0\.01\s+400\s+fail/);
});

test('history view lists outcomes and reasons', (t) => {
  const m = md('Succeeded');
  t.regex(historyView(m, new Date()), /no finished rollouts/);
  m.status!.history = [
    {
      version: '3',
      outcome: 'Failed',
      reason: 'check errorRate failed 3 times',
      startedAt: '2026-01-01T00:50:00Z',
      finishedAt: '2026-01-01T00:53:00Z',
    },
  ];
  t.regex(
    historyView(m, new Date('2026-01-01T01:00:00Z')),
    /3\s+Failed\s+10m ago\s+3m\s+check errorRate failed 3 times/,
  );
});
