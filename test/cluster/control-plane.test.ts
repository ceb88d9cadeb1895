import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { cleanUpAbandonedPlanes } from './leftovers.js';
import { isAlive, processStartTime } from './process.js';
import { startControlPlane, startPrometheus, waitFor } from './index.js';

const buildScript = path.resolve('scripts/build-kube-binaries.sh');
const pidsOf = (dir: string) =>
  fs.readdirSync(path.join(dir, 'pids')).map(
    (f) =>
      JSON.parse(fs.readFileSync(path.join(dir, 'pids', f), 'utf8')) as {
        pid: number;
        startTime: string;
      },
  );

test('a port in use is not used: another one is chosen', async (t) => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const taken = (blocker.address() as net.AddressInfo).port;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mr-port-'));
  const prom = await startPrometheus(dir, { port: taken });
  try {
    t.not(prom.url, `http://127.0.0.1:${taken}`);
    t.is((await fetch(`${prom.url}/-/ready`)).status, 200);
  } finally {
    await prom.stop();
    blocker.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('stop() leaves no process behind', async (t) => {
  const plane = await startControlPlane({ components: ['postgres', 'prometheus'] });
  const records = pidsOf(plane.dir);
  t.is(records.length, 2);
  t.true(records.every(isAlive));
  await plane.stop();
  t.true(records.every((r) => !isAlive(r)));
  t.false(fs.existsSync(plane.dir));
});

test('`cli.ts up --foreground` (the plane of the test command) stays up, and stops its parts on SIGTERM', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mr-cli-'));
  const cli = path.resolve('test/cluster/cli.ts');
  const child = spawn(
    process.execPath,
    ['--import=tsx', cli, 'up', '--foreground', '--dir', dir, '--components', 'postgres'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    await waitFor('plane.json', () => (fs.existsSync(path.join(dir, 'plane.json')) ? true : undefined), {
      timeoutMs: 60_000,
    });
    const [postgres] = pidsOf(dir);
    t.true(isAlive(postgres));
    // The foreground process must not exit on its own: it is still running a second later.
    const oneSecond = new Promise((resolve) => setTimeout(() => resolve('still running'), 1_000));
    t.is(await Promise.race([exited, oneSecond]), 'still running');
    child.kill('SIGTERM');
    t.is(await exited, 0);
    t.false(isAlive(postgres));
    t.false(fs.existsSync(dir));
  } finally {
    child.kill('SIGKILL');
    spawnSync(process.execPath, ['--import=tsx', cli, 'down', '--dir', dir]);
  }
});

test('a killed run leaves pid files and the next run cleans up its leftovers', async (t) => {
  // A child process starts a plane and is killed with SIGKILL before it can stop it.
  const script = `import { startControlPlane } from './test/cluster/index.js';
    const plane = await startControlPlane({ components: ['postgres'] });
    process.stdout.write(plane.dir + '\\n'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import=tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const dir = await waitFor('the child plane', () => (out.includes('\n') ? out.trim() : undefined), {
    timeoutMs: 60_000,
  });
  const [postgres] = pidsOf(dir);
  t.true(isAlive(postgres));
  child.kill('SIGKILL');
  await waitFor('child to die', () =>
    processStartTime(child.pid!) === undefined || child.exitCode !== null || child.signalCode
      ? true
      : undefined,
  );
  const cleaned = cleanUpAbandonedPlanes();
  t.true(
    cleaned.some((c) => c.startsWith(path.basename(dir))),
    cleaned.join('; '),
  );
  await waitFor('postgres to be gone', () => (isAlive(postgres) ? undefined : true), { timeoutMs: 10_000 });
  t.false(fs.existsSync(dir));
});

test('a half-written cache is detected and rebuilt', (t) => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'mr-cache-'));
  try {
    const partial = path.join(cache, 'helm-3.21.4');
    fs.mkdirSync(partial);
    fs.writeFileSync(path.join(partial, 'helm'), 'half a binary'); // no .complete marker
    const run = spawnSync('bash', [buildScript, 'helm'], {
      env: { ...process.env, MODELROLLOUT_CACHE: cache },
      encoding: 'utf8',
    });
    t.is(run.status, 0, run.stderr);
    t.true(fs.existsSync(path.join(partial, '.complete')));
    const version = spawnSync(path.join(partial, 'helm'), ['version', '--short'], { encoding: 'utf8' });
    t.regex(version.stdout, /^v3\.21\.4/);
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test('missing Go or an unreachable module proxy give one clear error', (t) => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'mr-cache-'));
  try {
    const noGo = spawnSync('bash', [buildScript, 'etcd'], {
      env: { ...process.env, MODELROLLOUT_CACHE: cache, PATH: '/usr/bin:/bin' },
      encoding: 'utf8',
    });
    t.not(noGo.status, 0);
    t.regex(noGo.stderr, /ERROR: Go is not installed/);
    const noProxy = spawnSync('bash', [buildScript, 'etcd'], {
      env: { ...process.env, MODELROLLOUT_CACHE: cache, GOPROXY: 'http://127.0.0.1:9' },
      encoding: 'utf8',
    });
    t.not(noProxy.status, 0);
    t.regex(noProxy.stderr, /ERROR: the Go module proxy \(http:\/\/127\.0\.0\.1:9\) does not answer/);
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});
