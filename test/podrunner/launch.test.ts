import path from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import test from 'ava';
import { entrypointFor, expandVars, MODEL_SERVER_ENTRYPOINT, REPO_ROOT, resolveCommand } from './command.js';
import { fieldValue } from './env.js';
import { buildLaunch } from './launch.js';
import { rewriteArg, rewritePath, type MountMapping } from './mounts.js';

test('$(VAR) expansion follows Kubernetes: defined names expand, unknown stay, $$ escapes', (t) => {
  const vars = { A: 'x', B_2: 'y' };
  t.is(expandVars('$(A)-$(B_2)', vars), 'x-y');
  t.is(expandVars('$(MISSING)', vars), '$(MISSING)');
  t.is(expandVars('$$(A) costs $$5', vars), '$(A) costs $5');
});

test('command: command + args when a command is given, else the image entrypoint + args', (t) => {
  t.deepEqual(resolveCommand({ command: ['node', '-e', 'x'], args: ['$(P)'] }, { P: '9' }), {
    command: process.execPath,
    args: ['-e', 'x', '9'],
  });
  t.deepEqual(resolveCommand({ image: 'registry/model-server:1', args: ['serve'] }, {}), {
    command: MODEL_SERVER_ENTRYPOINT[0],
    args: [...MODEL_SERVER_ENTRYPOINT.slice(1), 'serve'],
  });
  t.true(MODEL_SERVER_ENTRYPOINT[1].endsWith(path.join('bin', 'model-server.js')));
  const map = { 'reg/': ['/bin/a'], 'reg/special': ['/bin/b', '--x'] };
  t.deepEqual(entrypointFor('reg/special:2', map), ['/bin/b', '--x'], 'the longest prefix wins');
  t.deepEqual(entrypointFor('reg/other:2', map), ['/bin/a']);
  t.deepEqual(entrypointFor('elsewhere/x', map), MODEL_SERVER_ENTRYPOINT);
  t.throws(() => entrypointFor('bad/x', { bad: [] }), { message: /entrypoints\["bad"\]: must not be empty/ });
});

test('mount paths are rewritten at the start of values and after --flag=', (t) => {
  const mappings: MountMapping[] = [
    { mountPath: '/var/data/deep', hostPath: '/real/deep' },
    { mountPath: '/var/data', hostPath: '/real/data' },
    { mountPath: '/tmp', hostPath: '/real/tmp' },
  ];
  t.is(rewritePath('/var/data', mappings), '/real/data');
  t.is(rewritePath('/var/data/journal/x', mappings), '/real/data/journal/x');
  t.is(rewritePath('/var/data/deep/y', mappings), '/real/deep/y', 'the longest mount path wins');
  t.is(rewritePath('/var/database', mappings), '/var/database', 'only whole path segments');
  t.is(rewritePath('postgres://h/var/data', mappings), 'postgres://h/var/data');
  t.is(rewriteArg('--journal=/tmp/j', mappings), '--journal=/real/tmp/j');
  t.is(rewriteArg('/tmp', mappings), '/real/tmp');
  t.is(rewriteArg('-x', mappings), '-x');
});

const pod: V1Pod = {
  metadata: { name: 'p-1', namespace: 'ns', uid: 'u-1', labels: { app: 'web' }, annotations: { a: 'b' } },
  spec: { nodeName: 'local-node', serviceAccountName: 'sa', containers: [{ name: 'c' }] },
};
const addresses = { podIP: '127.10.0.9', hostIP: '127.0.0.1' };

test('field references of the downward API', (t) => {
  t.is(fieldValue('metadata.name', pod, addresses), 'p-1');
  t.is(fieldValue('metadata.namespace', pod, addresses), 'ns');
  t.is(fieldValue("metadata.labels['app']", pod, addresses), 'web');
  t.is(fieldValue("metadata.labels['none']", pod, addresses), '');
  t.is(fieldValue("metadata.annotations['a']", pod, addresses), 'b');
  t.is(fieldValue('status.podIP', pod, addresses), '127.10.0.9');
  t.is(fieldValue('spec.nodeName', pod, addresses), 'local-node');
  t.throws(() => fieldValue('spec.bogus', pod, addresses, 'env X'), {
    message: "env X: field path 'spec.bogus' is not supported",
  });
});

test('launch: HOST, PORT and KUBECONFIG are forced; the rest of the runner env is a default', (t) => {
  const podDir = '/state/pods/ns_p-1';
  const ctx = {
    podIP: '127.10.0.9',
    podDir,
    kubeconfig: '/plane/kubeconfig',
    hostsFiles: { json: '/h/ns.json', lines: '/h/ns.txt' },
  };
  const container = {
    name: 'c',
    image: 'i',
    args: ['serve', '--dir=/data/x'],
    ports: [{ containerPort: 8080 }],
  };
  const containerEnv = {
    HOST: '0.0.0.0',
    PORT: '1',
    POD_NAME: 'mine',
    DATA: '/data/y',
    UPSTREAM_HOST_OVERRIDES: 'a=b',
  };
  const mappings = [{ mountPath: '/data', hostPath: '/real/data' }];
  const launch = buildLaunch(pod, container, containerEnv, mappings, ctx);
  t.like(launch.env, { HOST: '127.10.0.9', PORT: '8080', KUBECONFIG: '/plane/kubeconfig', POD_NAME: 'mine' });
  t.like(launch.env, {
    POD_NAMESPACE: 'ns',
    POD_IP: '127.10.0.9',
    DATA: '/real/data/y',
    MODELROLLOUT_HOSTS_FILE: '/h/ns.json',
  });
  t.is(launch.env.TMPDIR, path.join(podDir, 'tmp'));
  t.false('UPSTREAM_HOST_OVERRIDES_FILE' in launch.env, 'the container chose its own overrides');
  t.deepEqual(launch.args.slice(-2), ['serve', '--dir=/real/data/x']);
  t.is(launch.cwd, REPO_ROOT);

  const plain = buildLaunch(
    pod,
    { name: 'c', command: ['node'] },
    {},
    [{ mountPath: '/tmp', hostPath: '/real/tmp' }],
    ctx,
  );
  t.is(plain.env.UPSTREAM_HOST_OVERRIDES_FILE, '/h/ns.txt');
  t.is(plain.env.TMPDIR, '/real/tmp', 'an emptyDir at /tmp becomes TMPDIR');
  t.false('PORT' in plain.env, 'no containerPort, no PORT');
});
