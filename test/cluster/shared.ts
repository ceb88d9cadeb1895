import fs from 'node:fs';
import { planeFromInfo, startControlPlane, type ControlPlane, type PlaneInfo } from './control-plane.js';
import { killRecorded } from './process.js';

/** Environment variable naming the plane.json of the plane a whole test run shares. */
export const PLANE_ENV = 'MODELROLLOUT_PLANE';

let shared: Promise<ControlPlane> | undefined;

/**
 * The control plane of the current test run: the one `npm test` started (found through
 * MODELROLLOUT_PLANE), or — when a test file runs alone — one started for this process and
 * torn down when it exits. Its stop() is a no-op: the plane belongs to the run.
 */
export function sharedControlPlane(): Promise<ControlPlane> {
  shared ??= (async () => {
    const file = process.env[PLANE_ENV];
    if (file) {
      const info = JSON.parse(fs.readFileSync(file, 'utf8')) as PlaneInfo;
      return planeFromInfo(info, async () => undefined);
    }
    const plane = await startControlPlane();
    // The exit hook cannot wait: kill synchronously.
    const tearDown = () => {
      killRecorded(plane.dir);
      fs.rmSync(plane.dir, { recursive: true, force: true });
    };
    process.on('exit', tearDown);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
    return planeFromInfo(plane.info, async () => undefined);
  })();
  return shared;
}
