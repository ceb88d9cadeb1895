import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import test, { type ExecutionContext } from 'ava';
import { request } from 'undici';
import { sharedControlPlane } from '../../../test/cluster/index.js';
import { UsageError, parseRouterOptions, type RouterCliOptions } from '../../src/router/cli-options.js';
import { routesConfigMapData, serializeRoutesConfig } from '../../src/router/routes-config.js';
import { eventually, routes, startFakeUpstream } from './helpers.js';

const MAIN = path.resolve(import.meta.dirname, '../../src/main.ts');

test('options come from flags, then environment, then defaults', (t) => {
  const options = parseRouterOptions(
    ['--configmap', 'hp-routes', '--port', '9000', '--mirror-timeout-ms', '500'],
    {
      POD_NAMESPACE: 'ml',
      MAX_MIRROR_IN_FLIGHT: '7',
      PORT: '1',
    },
  );
  if (options === 'help') return t.fail();
  t.deepEqual(options.source, {
    kind: 'configmap',
    name: 'hp-routes',
    namespace: 'ml',
    kubeconfig: undefined,
  });
  t.is(options.port, 9000);
  t.is(options.mirrorTimeoutMs, 500);
  t.is(options.maxMirrorInFlight, 7);
  t.is(options.upstreamTimeoutMs, 10_000);
  t.is(options.host, '0.0.0.0');
  t.deepEqual((parseRouterOptions([], { ROUTES_JSON: '{}' }) as RouterCliOptions).source, {
    kind: 'env',
    text: '{}',
  });
  t.deepEqual((parseRouterOptions(['--config-file', 'r.json'], {}) as RouterCliOptions).source, {
    kind: 'file',
    path: 'r.json',
  });
  t.is(parseRouterOptions(['--help'], {}), 'help');
});

test('bad options are refused with the option named', (t) => {
  const refuse = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
    t.throws(() => parseRouterOptions(argv, env), { instanceOf: UsageError })!.message;
  t.regex(refuse([]), /give exactly one of --configmap, --config-file or env ROUTES_JSON \(got 0\)/);
  t.regex(refuse(['--configmap', 'a', '--config-file', 'b']), /\(got 2\)/);
  t.regex(
    refuse(['--config-file', 'f', '--port', 'http']),
    /--port \(env PORT\): must be an integer in 0\.\.65535, got "http"/,
  );
  t.regex(
    refuse(['--config-file', 'f'], { MIRROR_TIMEOUT_MS: '0' }),
    /--mirror-timeout-ms \(env MIRROR_TIMEOUT_MS\)/,
  );
  t.regex(refuse(['--nope']), /Unknown option '--nope'/);
});

interface RunningCli {
  url: string;
  process: ChildProcess;
  exitCode: Promise<number | null>;
}

/** Runs `model-server router` as a process and waits until it listens. */
async function runCli(t: ExecutionContext, args: string[], env: NodeJS.ProcessEnv): Promise<RunningCli> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', MAIN, 'router', '--host', '127.0.0.1', '--port', '0', ...args],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exitCode = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`router did not listen within 60 s:\n${output}`)),
      60_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)".*"msg":"router listening"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exitCode.then((code) => reject(new Error(`router exited with ${code}:\n${output}`)));
  });
  return { url, process: child, exitCode };
}

async function predictVersion(url: string): Promise<string | undefined> {
  const res = await request(`${url}/v1/predictions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ x: 1 }]),
  });
  await res.body.text();
  return res.statusCode === 200 ? (res.headers['x-model-version'] as string) : undefined;
}

test('the CLI reads a routes file live and dials cluster names through host overrides', async (t) => {
  const v1 = await startFakeUpstream({ version: '1.0.0', factor: 1 });
  const v2 = await startFakeUpstream({ version: '2.0.0', factor: 1 });
  const dir = mkdtempSync(path.join(tmpdir(), 'router-cli-'));
  t.teardown(async () => {
    rmSync(dir, { recursive: true, force: true });
    await Promise.all([v1.close(), v2.close()]);
  });
  const file = path.join(dir, 'routes.json');
  const write = (version: string) =>
    writeFileSync(
      file,
      serializeRoutesConfig(
        routes({ master: { url: `http://house-price-${version}.ml.svc:8080`, version } }),
      ),
    );
  write('1.0.0');
  const overrides = [v1, v2]
    .map((u, i) => `house-price-${i + 1}.0.0.ml.svc:8080=${new URL(u.url).host}`)
    .join(',');

  const cli = await runCli(t, ['--config-file', file], {
    UPSTREAM_HOST_OVERRIDES: overrides,
    LOG_LEVEL: 'info',
  });
  t.true(await eventually(async () => (await predictVersion(cli.url)) === '1.0.0', 5_000));
  write('2.0.0');
  t.true(await eventually(async () => (await predictVersion(cli.url)) === '2.0.0', 1_000));
  t.is(v2.seen.length > 0, true);

  cli.process.kill('SIGTERM');
  t.is(await cli.exitCode, 0);
});

test('the CLI watches its ConfigMap on the real API server through --kubeconfig', async (t) => {
  const plane = await sharedControlPlane();
  const kc = new KubeConfig();
  kc.loadFromFile(plane.kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const namespace = `router-cli-${process.pid}-${Date.now().toString(36)}`;
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  const master = await startFakeUpstream({ version: '3.0.0', factor: 1 });
  t.teardown(async () => {
    await master.close();
    await core.deleteNamespace({ name: namespace });
  });
  await core.createNamespacedConfigMap({
    namespace,
    body: {
      metadata: { name: 'hp-routes' },
      data: routesConfigMapData(routes({ master: { url: master.url, version: '3.0.0' } })),
    },
  });
  const cli = await runCli(
    t,
    ['--configmap', 'hp-routes', '--namespace', namespace, '--kubeconfig', plane.kubeconfig],
    {},
  );
  t.true(await eventually(async () => (await predictVersion(cli.url)) === '3.0.0', 5_000));
  cli.process.kill('SIGTERM');
  t.is(await cli.exitCode, 0);
});
