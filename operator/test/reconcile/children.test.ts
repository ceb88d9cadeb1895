/** The child objects the reconciler applies (pure builders) and the artifact fetch script. */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { V1Container, V1Deployment } from '@kubernetes/client-node';
import test from 'ava';
import { resolveSpec } from '../../src/api/defaults.js';
import type { ModelDeployment } from '../../src/api/types.js';
import { artifactWiring, FETCH_ARTIFACT_SCRIPT } from '../../src/reconcile/children/artifact.js';
import { scopeOf } from '../../src/reconcile/children/common.js';
import { modelDeployment, modelService } from '../../src/reconcile/children/model-workload.js';
import { routerObjects } from '../../src/reconcile/children/router.js';

const md: ModelDeployment = {
  apiVersion: 'modelrollout.io/v1alpha1',
  kind: 'ModelDeployment',
  metadata: { name: 'house-price', namespace: 'ml', uid: 'uid-1' },
  spec: {
    model: {
      version: '0.4.0',
      image: 'ms:0.4.0',
      artifact: { uri: 'https://models/x.json', sha256: 'a'.repeat(64) },
      replicas: 3,
    },
    strategy: { canary: { steps: [10] } },
    analysis: { prometheus: { address: 'http://prom:9090' } },
    predictionStore: { secretRef: { name: 'db' }, required: true },
  },
};
const spec = resolveSpec(md.spec);
const scope = scopeOf(md);
const env = (c: V1Container) =>
  Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));

test('the candidate Deployment runs `serve` with artifact, variant, version and store settings', (t) => {
  const dep: V1Deployment = modelDeployment(scope, 'candidate', spec.model, spec.predictionStore);
  t.is(dep.metadata?.name, 'house-price-candidate');
  t.deepEqual(dep.metadata?.ownerReferences, [
    {
      apiVersion: 'modelrollout.io/v1alpha1',
      kind: 'ModelDeployment',
      name: 'house-price',
      uid: 'uid-1',
      controller: true,
      blockOwnerDeletion: true,
    },
  ]);
  t.is(dep.spec?.replicas, 3);
  const pod = dep.spec!.template;
  t.like(pod.metadata?.labels, {
    'app.kubernetes.io/name': 'house-price',
    'modelrollout.io/variant': 'candidate',
    'modelrollout.io/version': '0.4.0',
  });
  t.like(pod.metadata?.annotations, { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080' });
  t.deepEqual(dep.spec?.selector.matchLabels, {
    'app.kubernetes.io/name': 'house-price',
    'app.kubernetes.io/component': 'model',
    'modelrollout.io/variant': 'candidate',
  });
  const container = pod.spec!.containers[0];
  t.deepEqual(container.args, ['serve']);
  t.like(env(container), {
    PORT: '8080',
    MODEL_ARTIFACT: '/var/lib/model-server/artifact/model.json',
    MODEL_VERSION: '0.4.0',
    MODEL_VARIANT: 'candidate',
    STORE_REQUIRED: 'true',
  });
  t.deepEqual(env(container).DATABASE_URL, { secretKeyRef: { name: 'db', key: 'url' } });
  t.is(container.readinessProbe?.httpGet?.path, '/ready');
  t.is(container.livenessProbe?.httpGet?.path, '/health');
  // Pod Security "restricted".
  t.true(pod.spec!.securityContext?.runAsNonRoot);
  t.is(pod.spec!.securityContext?.seccompProfile?.type, 'RuntimeDefault');
  t.false(container.securityContext?.allowPrivilegeEscalation);
  t.deepEqual(container.securityContext?.capabilities?.drop, ['ALL']);
  t.true(container.securityContext?.readOnlyRootFilesystem);
  t.true(container.volumeMounts!.some((m) => m.mountPath === '/tmp'));
  // The http(s) artifact is fetched (and checked) by an init container.
  const init = pod.spec!.initContainers![0];
  t.like(env(init), { ARTIFACT_URI: 'https://models/x.json', ARTIFACT_SHA256: 'a'.repeat(64) });
});

test('a model Service selects exactly its variant', (t) => {
  const svc = modelService(scope, 'master');
  t.is(svc.metadata?.name, 'house-price-master');
  t.is(svc.spec?.selector?.['modelrollout.io/variant'], 'master');
  t.is(svc.spec?.ports?.[0].port, 8080);
});

test('local and ConfigMap artifacts need no download', (t) => {
  t.deepEqual(artifactWiring({ uri: 'file:///models/a%20b.json' }, 'img'), {
    path: '/models/a b.json',
    volumes: [],
    mounts: [],
    initContainers: [],
  });
  t.is(artifactWiring({ uri: '/opt/model.json' }, 'img').path, '/opt/model.json');
  const cm = artifactWiring({ configMap: { name: 'models', key: 'v1.json' } }, 'img');
  t.is(cm.path, '/var/lib/model-server/artifact/v1.json');
  t.deepEqual(cm.volumes[0].configMap, { name: 'models', items: [{ key: 'v1.json', path: 'v1.json' }] });
  t.deepEqual(cm.initContainers, []);
});

test('the router may only read its own routes ConfigMap', (t) => {
  const objects = routerObjects(scope, spec.router, 'ms:0.4.0');
  t.deepEqual(
    objects.map((o) => `${o.kind}/${o.metadata?.name}`),
    [
      'ServiceAccount/house-price-router',
      'Role/house-price-router',
      'RoleBinding/house-price-router',
      'Deployment/house-price',
      'Service/house-price',
    ],
  );
  const role = objects[1] as { rules: unknown[] };
  t.deepEqual(role.rules, [
    {
      apiGroups: [''],
      resources: ['configmaps'],
      resourceNames: ['house-price-routes'],
      verbs: ['get', 'list', 'watch'],
    },
  ]);
  const router = (objects[3] as V1Deployment).spec!.template.spec!;
  t.is(router.serviceAccountName, 'house-price-router');
  t.deepEqual(router.containers[0].args, ['router']);
  t.is(router.containers[0].image, 'ms:0.4.0');
  t.like(env(router.containers[0]), { ROUTES_CONFIGMAP: 'house-price-routes' });
});

async function fetchWith(body: Buffer, sha256: string | undefined) {
  const server = http.createServer((_req, res) => res.end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fetch-artifact-'));
  const out = path.join(dir, 'model.json');
  const env = {
    ...process.env,
    ARTIFACT_URI: `http://127.0.0.1:${(server.address() as AddressInfo).port}/m.json`,
    ARTIFACT_PATH: out,
    ...(sha256 ? { ARTIFACT_SHA256: sha256 } : {}),
  };
  try {
    await promisify(execFile)(process.execPath, ['-e', FETCH_ARTIFACT_SCRIPT], { env });
    return { ok: true, written: fs.readFileSync(out) };
  } catch (err) {
    return { ok: false, stderr: (err as { stderr: string }).stderr, exists: fs.existsSync(out) };
  } finally {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('the init container script downloads the artifact and checks its sha256', async (t) => {
  const body = Buffer.from('{"model":"x"}');
  const sha = createHash('sha256').update(body).digest('hex');
  const good = await fetchWith(body, sha);
  t.true(good.ok);
  t.deepEqual(good.written, body);
  const bad = await fetchWith(body, 'b'.repeat(64));
  t.false(bad.ok);
  t.regex(bad.stderr!, /sha256 of .* is [0-9a-f]{64}, expected b{64}/);
  t.false(bad.exists, 'a mismatching download is not left behind');
});
