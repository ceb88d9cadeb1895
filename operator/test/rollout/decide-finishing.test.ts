/** State machine: Paused, Promoting and RollingBack; purity and the history cap. */
import test from 'ava';
import { decide } from '../../src/rollout/index.js';
import { absent, analysis, input, iso, MIN, notReady, ready, SEC, spec, statusIn, T0 } from './fixtures.js';
import { runTable, type Row } from './table.js';

const rows: Row[] = [
  {
    name: 'Paused in Canary: frozen',
    status: statusIn('Paused', T0, {
      pausedPhase: 'Canary',
      pausedAt: iso(T0),
      currentStep: 0,
      stepStartedAt: iso(T0 - MIN),
      canaryWeight: 10,
    }),
    over: { spec: spec('v2', { paused: true }), now: T0 + 30 * MIN },
    phase: 'Paused',
    weight: 10,
    candidate: 'v2',
    events: [],
    check: (o) => o.requeueAfterMs === undefined,
  },
  {
    name: 'Paused, resumed: timers moved by the pause',
    status: statusIn('Paused', T0 - MIN, {
      pausedPhase: 'Canary',
      pausedAt: iso(T0),
      currentStep: 0,
      stepStartedAt: iso(T0 - MIN),
      canaryWeight: 10,
    }),
    over: { now: T0 + 30 * MIN },
    phase: 'Canary',
    weight: 10,
    events: ['RolloutResumed'],
    check: (o) => o.status.stepStartedAt === iso(T0 + 29 * MIN) && o.status.pausedAt === undefined,
  },
  {
    name: 'Paused + abort',
    status: statusIn('Paused', T0, { pausedPhase: 'Shadowing', pausedAt: iso(T0) }),
    over: { spec: spec('v2', { paused: true }), controls: { abort: 'a1' } },
    phase: 'RollingBack',
    candidate: null,
    check: (o) => o.status.pausedPhase === undefined,
  },
  {
    name: 'Paused + promote: deferred',
    status: statusIn('Paused', T0, { pausedPhase: 'Shadowing', pausedAt: iso(T0), mirrorPercent: 50 }),
    over: { spec: spec('v2', { paused: true }), controls: { promote: 'p1' } },
    phase: 'Paused',
    mirror: 50,
    check: (o) => o.status.handledControls?.promote === undefined,
  },
  {
    name: 'Promoting, master rolled out: succeeded',
    status: statusIn('Promoting'),
    over: { master: ready('v2') },
    phase: 'Succeeded',
    master: 'v2',
    candidate: null,
    events: ['Promoted'],
    check: (o) => o.status.history?.[0]?.outcome === 'Promoted' && o.status.candidate === undefined,
  },
  {
    name: 'Promoting, master still rolling',
    status: statusIn('Promoting'),
    over: { master: notReady('v2') },
    phase: 'Promoting',
    candidate: 'v2',
    weight: 0,
    events: [],
  },
  {
    name: 'Promoting, master still runs the old model',
    status: statusIn('Promoting'),
    over: { master: ready('v1') },
    phase: 'Promoting',
  },
  {
    name: 'Promoting past the deadline: stalled, said once',
    status: statusIn('Promoting'),
    over: { master: notReady('v2'), now: T0 + 11 * MIN },
    phase: 'Promoting',
    events: ['PromotionStalled'],
    check: (o) => o.status.conditions?.find((c) => c.type === 'Progressing')?.reason === 'PromotionStalled',
  },
  {
    name: 'Promoting past the deadline, already reported: no repeated event',
    status: statusIn('Promoting', T0, {
      conditions: [
        {
          type: 'Progressing',
          status: 'False',
          reason: 'PromotionStalled',
          message: '',
          lastTransitionTime: iso(T0),
        },
      ],
    }),
    over: { master: notReady('v2'), now: T0 + 12 * MIN },
    phase: 'Promoting',
    events: [],
  },
  {
    name: 'Promoting + abort: ignored',
    status: statusIn('Promoting'),
    over: { master: notReady('v2'), controls: { abort: 'a1' } },
    phase: 'Promoting',
    events: ['ControlIgnored'],
  },
  {
    name: 'Promoting, spec changed: finish first',
    status: statusIn('Promoting'),
    over: { spec: spec('v3'), master: notReady('v2') },
    phase: 'Promoting',
    candidate: 'v2',
  },
  {
    name: 'RollingBack, candidate still there',
    status: statusIn('RollingBack', T0, { rollbackReason: 'AnalysisFailed' }),
    phase: 'RollingBack',
    candidate: null,
    check: (o) => o.requeueAfterMs === SEC,
  },
  {
    name: 'RollingBack, candidate gone: Failed',
    status: statusIn('RollingBack', T0, {
      rollbackReason: 'AnalysisFailed',
      message: 'Rolling back v2: errorRate too high',
    }),
    over: { candidate: absent },
    phase: 'Failed',
    candidate: null,
    events: ['RolledBack'],
    check: (o) =>
      o.status.history?.[0]?.outcome === 'Failed' && o.status.history[0].reason === 'errorRate too high',
  },
  {
    name: 'RollingBack after abort: Failed, outcome Aborted',
    status: statusIn('RollingBack', T0, { rollbackReason: 'Aborted' }),
    over: { candidate: absent },
    phase: 'Failed',
    check: (o) => o.status.history?.[0]?.outcome === 'Aborted',
  },
  {
    name: 'RollingBack after a cancel: Idle',
    status: statusIn('RollingBack', T0, { rollbackReason: 'Cancelled' }),
    over: { candidate: absent, spec: spec('v1') },
    phase: 'Idle',
    events: ['RolloutCancelled'],
    check: (o) => o.status.history?.[0]?.outcome === 'Cancelled',
  },
];

runTable(rows);

test('decide is pure: the input status is not modified and the same input gives the same output', (t) => {
  const status = statusIn('Shadowing', T0, { failedChecks: 2 });
  const before = structuredClone(status);
  const a = decide(input(status, { analysis: analysis('fail') }));
  const b = decide(input(status, { analysis: analysis('fail') }));
  t.deepEqual(status, before);
  t.deepEqual(a, b);
});

test('history keeps the last 10 rollouts, newest first', (t) => {
  const history = Array.from({ length: 10 }, (_, i) => ({
    version: `old${i}`,
    outcome: 'Promoted' as const,
    startedAt: iso(T0),
    finishedAt: iso(T0),
  }));
  const out = decide(input(statusIn('Promoting', T0, { history }), { master: ready('v2') }));
  t.is(out.status.history?.length, 10);
  t.is(out.status.history?.[0].version, 'v2');
  t.is(out.status.history?.[9].version, 'old8');
});
