import test from 'ava';
import { crashesAfterExit, restartDelayMs } from './backoff.js';
import { buildPodStatus, rfc3339, terminationOf, type ContainerState, type PodView } from './pod-status.js';

const t0 = new Date('2026-01-02T03:04:05.678Z');
const later = new Date('2026-01-02T03:05:00.000Z');

function view(state: ContainerState, extra: Partial<PodView['container']> = {}, everStarted = true): PodView {
  return {
    podIP: '127.10.0.2',
    hostIP: '127.0.0.1',
    startTime: t0,
    everStarted,
    container: { name: 'web', image: 'img:1', state, restartCount: 0, probeReady: true, ...extra },
  };
}
const condition = (status: ReturnType<typeof buildPodStatus>, type: string) =>
  status.conditions.find((c) => c.type === type)!;

test('a running container that passes its readiness probe makes a Running, Ready pod', (t) => {
  const status = buildPodStatus(view({ kind: 'running', startedAt: t0, pid: 42 }), undefined, t0);
  t.is(status.phase, 'Running');
  t.deepEqual(status.podIPs, [{ ip: '127.10.0.2' }]);
  t.is(status.hostIP, '127.0.0.1');
  t.is(status.startTime, '2026-01-02T03:04:05Z');
  t.deepEqual(
    status.conditions.map((c) => `${c.type}=${c.status}`),
    ['PodScheduled=True', 'Initialized=True', 'ContainersReady=True', 'Ready=True'],
  );
  const container = status.containerStatuses[0];
  t.like(container, { name: 'web', ready: true, started: true, restartCount: 0, containerID: 'local://42' });
  t.deepEqual(container.state, { running: { startedAt: '2026-01-02T03:04:05Z' } });
});

test('readiness failing: Running but not Ready; transition times change only with the status', (t) => {
  const running: ContainerState = { kind: 'running', startedAt: t0, pid: 42 };
  const ready = buildPodStatus(view(running), undefined, t0);
  const notReady = buildPodStatus(view(running, { probeReady: false }), ready, later);
  t.is(notReady.phase, 'Running');
  t.like(condition(notReady, 'Ready'), {
    status: 'False',
    reason: 'ContainersNotReady',
    lastTransitionTime: rfc3339(later),
  });
  t.is(
    condition(notReady, 'PodScheduled').lastTransitionTime,
    rfc3339(t0),
    'unchanged condition keeps its time',
  );
  t.false(notReady.containerStatuses[0].ready);
});

test('a crashed container waiting to restart reports CrashLoopBackOff and its last termination', (t) => {
  const termination = terminationOf(3, t0, later);
  const status = buildPodStatus(
    view(
      { kind: 'waiting', reason: 'CrashLoopBackOff', message: 'back-off 2s' },
      { lastTermination: termination, restartCount: 1 },
    ),
    undefined,
    later,
  );
  t.is(status.phase, 'Running');
  t.is(condition(status, 'Ready').status, 'False');
  t.deepEqual(status.containerStatuses[0].state, {
    waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2s' },
  });
  t.deepEqual(status.containerStatuses[0].lastState, {
    terminated: { exitCode: 3, reason: 'Error', startedAt: rfc3339(t0), finishedAt: rfc3339(later) },
  });
  t.false('containerID' in status.containerStatuses[0]);
});

test('phase: Pending before the first start, Succeeded or Failed once the container ended for good', (t) => {
  t.is(
    buildPodStatus(view({ kind: 'waiting', reason: 'ContainerCreating' }, {}, false), undefined, t0).phase,
    'Pending',
  );
  const ended = (exit: number | string) => ({
    kind: 'terminated' as const,
    termination: terminationOf(exit, t0, later),
  });
  t.is(buildPodStatus(view(ended(0)), undefined, t0).phase, 'Succeeded');
  t.is(buildPodStatus(view(ended(1)), undefined, t0).phase, 'Failed');
});

test('a process killed by a signal exits with 128 + the signal number', (t) => {
  t.like(terminationOf('SIGKILL', t0, later), { exitCode: 137, signal: 'SIGKILL', reason: 'Error' });
  t.like(terminationOf('SIGTERM', t0, later), { exitCode: 143 });
  t.like(terminationOf(0, t0, later), { exitCode: 0, reason: 'Completed' });
});

test('restart back-off doubles from 1 s up to 30 s and starts over after a long run', (t) => {
  t.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 10].map(restartDelayMs),
    [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000],
  );
  t.is(crashesAfterExit(4, 500), 5);
  t.is(crashesAfterExit(4, 10 * 60_000), 1);
});
