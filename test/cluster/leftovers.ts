import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isAlive, killRecorded, processStartTime } from './process.js';

/** Where temporary planes live; each records its owner so a later run can tell it was abandoned. */
export const PLANES_DIR = path.join(os.tmpdir(), 'modelrollout-planes');

interface Owner {
  pid: number;
  startTime: string;
}

export function writeOwner(dir: string): void {
  const owner: Owner = { pid: process.pid, startTime: processStartTime(process.pid) ?? '' };
  fs.writeFileSync(path.join(dir, 'owner.json'), JSON.stringify(owner));
}

/**
 * Stops the processes of planes whose owning process is gone (a killed test run) and removes
 * their directories. Only processes recorded in their own pid files are touched.
 */
export function cleanUpAbandonedPlanes(): string[] {
  const cleaned: string[] = [];
  if (!fs.existsSync(PLANES_DIR)) return cleaned;
  for (const name of fs.readdirSync(PLANES_DIR)) {
    const dir = path.join(PLANES_DIR, name);
    let owner: Owner | undefined;
    try {
      owner = JSON.parse(fs.readFileSync(path.join(dir, 'owner.json'), 'utf8')) as Owner;
    } catch {
      owner = undefined; // a plane still being created has no owner yet; its age decides below
    }
    const abandoned = owner ? !isAlive(owner) : Date.now() - fs.statSync(dir).mtimeMs > 10 * 60_000;
    if (!abandoned) continue;
    const killed = killRecorded(dir);
    fs.rmSync(dir, { recursive: true, force: true });
    cleaned.push(`${name}${killed.length ? ` (killed ${killed.join(', ')})` : ''}`);
  }
  return cleaned;
}
