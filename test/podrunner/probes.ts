/**
 * Readiness and liveness probes: httpGet (2xx/3xx is a success, as for the kubelet), tcpSocket and
 * exec, polled at least every 500 ms so that tests see changes quickly. Faster polling keeps the
 * failure window of the spec: a probe fails after failureThreshold × periodSeconds of failures.
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { V1Container, V1Probe } from '@kubernetes/client-node';

/** How often and how strictly a probe is evaluated. */
export interface ProbeSchedule {
  intervalMs: number;
  initialDelayMs: number;
  timeoutMs: number;
  /** Consecutive failures that make the probe fail. */
  failuresNeeded: number;
  /** Consecutive successes that make the probe succeed. */
  successesNeeded: number;
}

/** Longest time between two polls of a probe. */
export const MAX_PROBE_INTERVAL_MS = 500;

export function probeSchedule(probe: V1Probe): ProbeSchedule {
  const periodMs = (probe.periodSeconds ?? 10) * 1000;
  const intervalMs = Math.min(periodMs, MAX_PROBE_INTERVAL_MS);
  return {
    intervalMs,
    initialDelayMs: (probe.initialDelaySeconds ?? 0) * 1000,
    timeoutMs: (probe.timeoutSeconds ?? 1) * 1000,
    failuresNeeded: Math.ceil(((probe.failureThreshold ?? 3) * periodMs) / intervalMs),
    successesNeeded: probe.successThreshold ?? 1,
  };
}

/** One probe attempt: resolves true on success, false on failure; never rejects. */
export type ProbeCheck = () => Promise<boolean>;

export function probeCheck(
  probe: V1Probe,
  container: V1Container,
  podIP: string,
  env: NodeJS.ProcessEnv,
): ProbeCheck {
  const timeout = probeSchedule(probe).timeoutMs;
  const port = (value: number | string | undefined): number => {
    if (typeof value === 'number' || /^\d+$/.test(String(value))) return Number(value);
    const named = container.ports?.find((p) => p.name === value)?.containerPort;
    if (named === undefined) throw new Error(`probe port '${value}': no containerPort of that name`);
    return named;
  };
  if (probe.httpGet) {
    const get = probe.httpGet;
    const client = get.scheme === 'HTTPS' ? https : http;
    const headers = Object.fromEntries((get.httpHeaders ?? []).map((h) => [h.name, h.value]));
    const options = {
      host: get.host ?? podIP,
      port: port(get.port),
      path: get.path ?? '/',
      headers,
      timeout,
    };
    return () =>
      new Promise((resolve) => {
        const req = client.get({ ...options, agent: false, rejectUnauthorized: false }, (res) => {
          res.resume();
          resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400);
        });
        req.on('timeout', () => req.destroy());
        req.on('error', () => resolve(false));
      });
  }
  if (probe.tcpSocket) {
    const target = { host: probe.tcpSocket.host ?? podIP, port: port(probe.tcpSocket.port), timeout };
    return () =>
      new Promise((resolve) => {
        const socket = net.connect(target, () => {
          socket.destroy();
          resolve(true);
        });
        socket.on('timeout', () => socket.destroy());
        socket.on('error', () => resolve(false));
        socket.on('close', () => resolve(false));
      });
  }
  if (probe.exec?.command?.length) {
    const [command, ...args] = probe.exec.command;
    return () =>
      new Promise((resolve) => execFile(command, args, { env, timeout }, (error) => resolve(!error)));
  }
  throw new Error('probe: only httpGet, tcpSocket and exec probes are supported');
}

/**
 * Polls a check on its schedule and reports each change of the probe's verdict. Readiness
 * starts failing (not ready until proven), liveness starts succeeding.
 */
export class ProbeLoop {
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private successes = 0;
  private failures = 0;

  constructor(
    private readonly schedule: ProbeSchedule,
    private readonly check: ProbeCheck,
    private readonly onChange: (healthy: boolean) => void,
    private healthy: boolean,
  ) {}

  start(): void {
    this.timer = setTimeout(() => void this.poll(), this.schedule.initialDelayMs);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async poll(): Promise<void> {
    const ok = await this.check();
    if (this.stopped) return;
    this.successes = ok ? this.successes + 1 : 0;
    this.failures = ok ? 0 : this.failures + 1;
    const flips = this.healthy
      ? this.failures >= this.schedule.failuresNeeded
      : this.successes >= this.schedule.successesNeeded;
    if (flips) {
      this.healthy = !this.healthy;
      this.onChange(this.healthy);
    }
    this.timer = setTimeout(() => void this.poll(), this.schedule.intervalMs);
  }
}
