/**
 * Runner slots: each pod runner on this machine claims a slot number, which gives it address
 * ranges of its own (see `slotRanges`), so runners of parallel test files never hand out the
 * same pod or Service address. A claim is a lock file naming the owner process; a claim whose
 * owner is gone is taken over.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isAlive, processStartTime } from '../cluster/process.js';
import { MAX_SLOTS } from './addresses.js';

/** Where slot claims live (shared by every runner of this machine). */
export const SLOTS_DIR = path.join(os.tmpdir(), 'modelrollout-podrunner', 'slots');

/** A claimed slot; release() gives it back. */
export interface SlotClaim {
  slot: number;
  release(): void;
}

/** Claims `wanted`, or the lowest free slot. Throws when `wanted` is taken or none is free. */
export function claimSlot(wanted?: number, dir = SLOTS_DIR): SlotClaim {
  fs.mkdirSync(dir, { recursive: true });
  const owner = JSON.stringify({ pid: process.pid, startTime: processStartTime(process.pid) ?? '' });
  const candidates = wanted === undefined ? [...Array(MAX_SLOTS).keys()] : [wanted];
  for (const slot of candidates) {
    const file = path.join(dir, `${slot}.json`);
    if (!tryCreate(file, owner) && !(takeOverAbandoned(file) && tryCreate(file, owner))) continue;
    return { slot, release: () => fs.rmSync(file, { force: true }) };
  }
  throw new Error(
    wanted === undefined
      ? `no free pod runner slot in ${dir} (${MAX_SLOTS} runners alive?)`
      : `pod runner slot ${wanted} is held by another live process (see ${dir}/${wanted}.json)`,
  );
}

function tryCreate(file: string, content: string): boolean {
  try {
    fs.writeFileSync(file, content, { flag: 'wx' });
    return true;
  } catch {
    return false;
  }
}

/** Removes the claim when its owner process is gone; true when it did. */
function takeOverAbandoned(file: string): boolean {
  try {
    const owner = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number; startTime: string };
    if (isAlive(owner)) return false;
  } catch {
    // Unreadable: a claim being written right now, or garbage. Only garbage older than a minute goes.
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (stat && Date.now() - stat.mtimeMs < 60_000) return false;
  }
  fs.rmSync(file, { force: true });
  return true;
}

/** Prefix of the process names (pid and log files) of the pods a runner in `slot` starts. */
export function processPrefix(slot: number): string {
  return `pod-s${slot}_`;
}

/**
 * Kills the pod processes a previous holder of `slot` left behind (it was killed before it could
 * stop them): every live process recorded under `<stateDir>/pids` with the slot's prefix.
 */
export function killOrphans(stateDir: string, slot: number): string[] {
  const pidsDir = path.join(stateDir, 'pids');
  const killed: string[] = [];
  for (const file of fs.existsSync(pidsDir) ? fs.readdirSync(pidsDir) : []) {
    if (!file.startsWith(processPrefix(slot))) continue;
    try {
      const record = JSON.parse(fs.readFileSync(path.join(pidsDir, file), 'utf8')) as {
        pid: number;
        startTime: string;
      };
      if (isAlive(record)) {
        process.kill(-record.pid, 'SIGKILL');
        killed.push(`${file} (${record.pid})`);
      }
    } catch {
      /* unreadable, or gone meanwhile */
    }
    fs.rmSync(path.join(pidsDir, file), { force: true });
  }
  return killed;
}
