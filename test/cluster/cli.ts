/**
 * `npm run cluster:up` / `cluster:down`: the local control plane for humans and for `npm test`.
 * The plane outlives this command; `down` stops it through its pid files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  ALL_COMPONENTS,
  startControlPlane,
  type Component,
  type ControlPlane,
  type PlaneInfo,
} from './control-plane.js';
import { killRecorded } from './process.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    dir: { type: 'string', default: path.join(repoRoot, '.tmp', 'cluster') },
    components: { type: 'string', default: ALL_COMPONENTS.join(',') },
    // Stay in the foreground until SIGINT/SIGTERM, then stop the plane (used by `npm test`).
    foreground: { type: 'boolean', default: false },
  },
});
const dir = path.resolve(values.dir!);
const command = positionals[0];

function down(): string[] {
  const killed = killRecorded(dir);
  fs.rmSync(dir, { recursive: true, force: true });
  return killed;
}

async function up(): Promise<ControlPlane> {
  const components = values.components!.split(',').map((c) => c.trim()) as Component[];
  const unknown = components.filter((c) => !ALL_COMPONENTS.includes(c));
  if (unknown.length)
    throw new Error(`unknown component(s) ${unknown.join(', ')}; known: ${ALL_COMPONENTS.join(', ')}`);
  down(); // a plane left at this directory by an earlier run
  const t0 = Date.now();
  const plane = await startControlPlane({ dir, components, verbose: true, owned: false });
  const info: PlaneInfo = plane.info;
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  process.stdout.write(
    [
      `control plane up in ${seconds} s (state in ${dir})`,
      info.kubeconfig && `  export KUBECONFIG=${info.kubeconfig}`,
      info.apiServerUrl && `  kube-apiserver: ${info.apiServerUrl}`,
      info.postgresUrl && `  export DATABASE_URL=${info.postgresUrl}`,
      info.prometheusUrl && `  prometheus: ${info.prometheusUrl} (file_sd: ${info.prometheusSdDir})`,
      `  export MODELROLLOUT_PLANE=${path.join(dir, 'plane.json')}`,
      values.foreground ? 'stop it with Ctrl-C' : `stop it with: npm run cluster:down`,
      '',
    ]
      .filter(Boolean)
      .join('\n'),
  );
  return plane;
}

/** Resolves on SIGINT or SIGTERM; listening from the start, so a signal during start-up is kept. */
const stopSignal = new Promise<void>((resolve) => {
  if (!values.foreground) return;
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});

async function foreground(plane: ControlPlane): Promise<void> {
  // Signal listeners and the detached parts do not keep Node running: without a timer the
  // process would exit at once and leave the plane behind.
  const keepAlive = setInterval(() => undefined, 60_000);
  await stopSignal;
  clearInterval(keepAlive);
  await plane.stop();
  down();
  process.stderr.write('control plane stopped\n');
}

try {
  if (command === 'up') {
    const plane = await up();
    if (values.foreground) await foreground(plane);
  } else if (command === 'down') {
    const killed = down();
    process.stdout.write(
      `control plane at ${dir} stopped${killed.length ? `: ${killed.join(', ')}` : ' (nothing was running)'}\n`,
    );
  } else {
    process.stderr.write('usage: cli.ts up|down [--dir DIR] [--components kube,postgres,prometheus]\n');
    process.exitCode = 2;
  }
} catch (error) {
  process.stderr.write(`error: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
