import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** What a pid file records: the pid plus its kernel start time, so a recycled pid is never killed. */
interface PidRecord {
  pid: number;
  startTime: string;
  name: string;
}

/** Fields 3 onwards of /proc/PID/stat (state first), or undefined when the process is gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: split after its last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Kernel start time of a process (field 22 of /proc/PID/stat), or undefined when it is gone. */
export function processStartTime(pid: number): string | undefined {
  return statFields(pid)?.[19];
}

/** CPU seconds (user + system, fields 14 and 15) a process has used so far; NaN when it is gone. */
export function processCpuSeconds(pid: number): number {
  const fields = statFields(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) / 100 : NaN; // clock ticks (USER_HZ 100)
}

export function isAlive(record: { pid: number; startTime: string }): boolean {
  const now = processStartTime(record.pid);
  return now !== undefined && now === record.startTime && !isZombie(record.pid);
}

function isZombie(pid: number): boolean {
  return statFields(pid)?.[0] === 'Z';
}

/** A detached child process with its output in a log file and a pid file beside it. */
export interface ManagedProcess {
  name: string;
  pid: number;
  logFile: string;
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<number | string>;
  /** SIGTERM (or `signal`), then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export function startProcess(opts: {
  name: string;
  command: string;
  args: string[];
  dir: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}): ManagedProcess {
  const logFile = path.join(opts.dir, 'logs', `${opts.name}.log`);
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.openSync(logFile, 'a');
  const child = spawn(opts.command, opts.args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', out, out],
    detached: true, // own process group: survives a CLI that exits, killed as a group on stop
  });
  fs.closeSync(out);
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${opts.command}`);
  const pid = child.pid;
  const record: PidRecord = { pid, startTime: processStartTime(pid) ?? '', name: opts.name };
  const pidFile = path.join(opts.dir, 'pids', `${opts.name}.pid`);
  fs.mkdirSync(path.dirname(pidFile), { recursive: true });
  fs.writeFileSync(pidFile, JSON.stringify(record));
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.on('error', () => resolve('spawn-error'));
  });
  let gone = false;
  void exited.then(() => {
    gone = true;
    fs.rmSync(pidFile, { force: true });
  });
  return {
    name: opts.name,
    pid,
    logFile,
    exited,
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (gone) return;
      signalGroup(pid, signal);
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      signalGroup(pid, 'SIGKILL'); // stragglers in the group (helpers the process forked)
    },
  };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/** Kills (SIGKILL, whole group) every process recorded under `dir/pids` that is still the same process. */
export function killRecorded(dir: string): string[] {
  const pidsDir = path.join(dir, 'pids');
  const killed: string[] = [];
  if (!fs.existsSync(pidsDir)) return killed;
  for (const file of fs.readdirSync(pidsDir)) {
    const full = path.join(pidsDir, file);
    try {
      const record = JSON.parse(fs.readFileSync(full, 'utf8')) as PidRecord;
      if (isAlive(record)) {
        signalGroup(record.pid, 'SIGKILL');
        killed.push(`${record.name}(${record.pid})`);
      }
    } catch {
      /* unreadable pid file: nothing we can safely kill */
    }
    fs.rmSync(full, { force: true });
  }
  return killed;
}

/** Last lines of a log file, for error messages. */
export function tail(file: string, lines = 20): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
