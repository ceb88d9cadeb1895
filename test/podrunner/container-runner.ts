/**
 * Runs the process of one container and restarts it as its restart policy says, with the
 * kubelet's crash-loop back-off, keeping the state the pod status reports.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startProcess, type ManagedProcess } from '../cluster/process.js';
import { crashesAfterExit, restartDelayMs } from './backoff.js';
import { PodConfigError } from './env.js';
import type { LaunchSpec } from './launch.js';
import { terminationOf, type ContainerState, type Termination } from './pod-status.js';

export interface ContainerRunnerOptions {
  /** Name of the pid and log files (`<stateDir>/pids/<name>.pid`, `<stateDir>/logs/<name>.log`). */
  processName: string;
  stateDir: string;
  restartPolicy: string;
  /** Restart count already reported for this pod (a runner that restarts continues from it). */
  initialRestartCount: number;
  /** Builds the launch of the next start; a PodConfigError keeps the container waiting. */
  prepare(): Promise<LaunchSpec>;
  /** A process started (start probes for it). */
  onStarted(process: ManagedProcess, launch: LaunchSpec): void;
  /** The current process ended (stop its probes). */
  onExited(): void;
  /** Anything the status shows changed. */
  onChange(): void;
}

export class ContainerRunner {
  state: ContainerState = { kind: 'waiting', reason: 'ContainerCreating' };
  lastTermination?: Termination;
  restartCount: number;
  everStarted = false;
  readonly logFile: string;
  private current?: ManagedProcess;
  private stopping = false;
  private wake?: () => void;
  private done: Promise<void> = Promise.resolve();

  constructor(private readonly opts: ContainerRunnerOptions) {
    this.restartCount = opts.initialRestartCount;
    this.logFile = path.join(opts.stateDir, 'logs', `${opts.processName}.log`);
  }

  /** The pid of the running process, if one runs. */
  get pid(): number | undefined {
    return this.current?.pid;
  }

  /** Starts the run loop. */
  start(): void {
    this.done = this.loop();
  }

  /** Terminates the current process (SIGTERM, SIGKILL after `graceMs`); the loop restarts it. */
  async restart(graceMs: number): Promise<void> {
    await this.current?.stop('SIGTERM', graceMs);
  }

  /** Terminates the current process for good and waits for the loop to end. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.current?.stop('SIGTERM', graceMs);
    await this.done;
  }

  private async loop(): Promise<void> {
    let crashes = 0;
    let failedStarts = 0;
    while (!this.stopping) {
      let launch: LaunchSpec;
      try {
        launch = await this.opts.prepare();
        if (this.stopping) break;
        this.current = this.spawn(launch);
      } catch (error) {
        const reason = error instanceof PodConfigError ? 'CreateContainerConfigError' : 'RunContainerError';
        this.setState({ kind: 'waiting', reason, message: (error as Error).message });
        this.log(`${reason}: ${(error as Error).message}`);
        await this.pause(restartDelayMs(++failedStarts));
        continue;
      }
      failedStarts = 0;
      if (this.everStarted) this.restartCount++;
      this.everStarted = true;
      const startedAt = new Date();
      this.opts.onStarted(this.current, launch);
      this.setState({ kind: 'running', startedAt, pid: this.current.pid });
      const exit = await this.current.exited;
      this.current = undefined;
      this.opts.onExited();
      const termination = terminationOf(exit, startedAt, new Date());
      this.log(`exited: ${exit}`);
      if (this.stopping || !this.restarts(termination.exitCode)) {
        this.setState({ kind: 'terminated', termination });
        break;
      }
      this.lastTermination = termination;
      crashes = crashesAfterExit(crashes, termination.finishedAt.getTime() - startedAt.getTime());
      const delayMs = restartDelayMs(crashes);
      const message = `back-off ${delayMs / 1000}s restarting failed container`;
      this.setState({ kind: 'waiting', reason: 'CrashLoopBackOff', message });
      await this.pause(delayMs);
    }
  }

  private spawn(launch: LaunchSpec): ManagedProcess {
    this.log(`starting: ${[launch.command, ...launch.args].join(' ')}`);
    return startProcess({
      name: this.opts.processName,
      dir: this.opts.stateDir,
      command: launch.command,
      args: launch.args,
      env: launch.env,
      cwd: launch.cwd,
    });
  }

  private restarts(exitCode: number): boolean {
    if (this.opts.restartPolicy === 'Never') return false;
    return this.opts.restartPolicy !== 'OnFailure' || exitCode !== 0;
  }

  private setState(state: ContainerState): void {
    this.state = state;
    this.opts.onChange();
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** A line of the runner's own in the pod's log file, between the process's lines. */
  private log(line: string): void {
    fs.mkdirSync(path.dirname(this.logFile), { recursive: true });
    fs.appendFileSync(this.logFile, `[pod-runner ${new Date().toISOString()}] ${line}\n`);
  }
}
