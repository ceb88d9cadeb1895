/**
 * The `status` of a pod as the kubelet would report it, from what the runner knows about its
 * process. Pure: the same view and previous status give the same status.
 */
import os from 'node:os';

/** How a container process ended. */
export interface Termination {
  /** Exit code; 128 + signal number when killed by a signal. */
  exitCode: number;
  signal?: string;
  reason: 'Completed' | 'Error';
  startedAt: Date;
  finishedAt: Date;
}

export type ContainerState =
  | { kind: 'waiting'; reason: string; message?: string }
  | { kind: 'running'; startedAt: Date; pid: number }
  | { kind: 'terminated'; termination: Termination };

/** What the runner knows about the (first and only run) container of a pod. */
export interface ContainerView {
  name: string;
  image: string;
  state: ContainerState;
  lastTermination?: Termination;
  restartCount: number;
  /** Verdict of the readiness probe (or true without one) for the current process. */
  probeReady: boolean;
}

export interface PodView {
  podIP: string;
  hostIP: string;
  startTime: Date;
  container: ContainerView;
  /** True once the container has been started at least once. */
  everStarted: boolean;
}

/** The JSON of a pod condition as sent to the API server. */
export interface ConditionJson {
  type: string;
  status: 'True' | 'False';
  lastTransitionTime: string;
  reason?: string;
}

/** The JSON of `status` as sent through the pods/status subresource (a merge patch). */
export interface PodStatusJson {
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  podIP: string;
  podIPs: { ip: string }[];
  hostIP: string;
  hostIPs: { ip: string }[];
  startTime: string;
  conditions: ConditionJson[];
  containerStatuses: Record<string, unknown>[];
}

/** RFC 3339 with whole seconds, as Kubernetes writes times. */
export function rfc3339(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function podPhase(view: PodView): PodStatusJson['phase'] {
  const { state } = view.container;
  if (state.kind === 'terminated') return state.termination.exitCode === 0 ? 'Succeeded' : 'Failed';
  return view.everStarted ? 'Running' : 'Pending';
}

export function buildPodStatus(view: PodView, previous: PodStatusJson | undefined, now: Date): PodStatusJson {
  const c = view.container;
  const ready = c.state.kind === 'running' && c.probeReady;
  const condition = (type: string, value: boolean, reason?: string): ConditionJson => {
    const status = value ? 'True' : 'False';
    const before = previous?.conditions.find((p) => p.type === type);
    const lastTransitionTime = before?.status === status ? before.lastTransitionTime : rfc3339(now);
    return { type, status, lastTransitionTime, ...(value || !reason ? {} : { reason }) };
  };
  return {
    phase: podPhase(view),
    podIP: view.podIP,
    podIPs: [{ ip: view.podIP }],
    hostIP: view.hostIP,
    hostIPs: [{ ip: view.hostIP }],
    startTime: rfc3339(view.startTime),
    conditions: [
      condition('PodScheduled', true),
      condition('Initialized', true),
      condition('ContainersReady', ready, 'ContainersNotReady'),
      condition('Ready', ready, 'ContainersNotReady'),
    ],
    containerStatuses: [
      {
        name: c.name,
        image: c.image,
        imageID: c.image,
        ...(c.state.kind === 'running' ? { containerID: `local://${c.state.pid}` } : {}),
        ready,
        started: c.state.kind === 'running',
        restartCount: c.restartCount,
        state: stateJson(c.state),
        lastState: c.lastTermination ? { terminated: terminationJson(c.lastTermination) } : {},
      },
    ],
  };
}

function stateJson(state: ContainerState): Record<string, unknown> {
  switch (state.kind) {
    case 'waiting':
      return { waiting: { reason: state.reason, ...(state.message ? { message: state.message } : {}) } };
    case 'running':
      return { running: { startedAt: rfc3339(state.startedAt) } };
    case 'terminated':
      return { terminated: terminationJson(state.termination) };
  }
}

function terminationJson(t: Termination): Record<string, unknown> {
  return {
    exitCode: t.exitCode,
    ...(t.signal ? { signal: signalNumber(t.signal) } : {}),
    reason: t.reason,
    startedAt: rfc3339(t.startedAt),
    finishedAt: rfc3339(t.finishedAt),
  };
}

/** The Termination of a process that exited with `exit` (a code, or the name of the killing signal). */
export function terminationOf(exit: number | string, startedAt: Date, finishedAt: Date): Termination {
  const signum = typeof exit === 'string' ? os.constants.signals[exit as NodeJS.Signals] : undefined;
  const exitCode = typeof exit === 'number' ? exit : 128 + (signum ?? 0);
  return {
    exitCode,
    ...(signum !== undefined ? { signal: exit as string } : {}),
    reason: exitCode === 0 ? 'Completed' : 'Error',
    startedAt,
    finishedAt,
  };
}

function signalNumber(signal: string): number {
  return os.constants.signals[signal as NodeJS.Signals] ?? 0;
}
