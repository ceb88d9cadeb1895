/**
 * Files derived from others stay in step: the chart's CRDs (from crds/), its copies of the rules
 * and dashboards (from manifests/), and manifests/install.yaml (the rendered chart).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { CHART, ROOT, helmBinary, parseObjects, run } from './helpers.js';

const yamlFiles = (dir: string) =>
  fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();

/** A scratch copy of what scripts/render-manifests.sh reads and writes. */
function scratchCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'render-manifests-'));
  for (const part of ['scripts', 'crds', 'helm', 'manifests']) {
    fs.cpSync(path.join(ROOT, part), path.join(dir, part), { recursive: true });
  }
  return dir;
}

const renderScript = (root: string, ...args: string[]) =>
  run('bash', [path.join(root, 'scripts/render-manifests.sh'), ...args], {
    env: { ...process.env, HELM: helmBinary() },
  });

test("the chart's CRDs are byte-for-byte copies of crds/", (t) => {
  const source = path.join(ROOT, 'crds');
  const copy = path.join(CHART, 'crds');
  t.true(yamlFiles(source).length > 0);
  t.deepEqual(yamlFiles(copy), yamlFiles(source));
  for (const file of yamlFiles(source)) {
    t.true(
      fs.readFileSync(path.join(copy, file)).equals(fs.readFileSync(path.join(source, file))),
      `${file} differs`,
    );
  }
});

test('manifests/install.yaml and the chart copies are up to date (scripts/render-manifests.sh --check)', async (t) => {
  const result = await renderScript(ROOT, '--check');
  t.is(result.code, 0, result.stderr);
  const objects = parseObjects(fs.readFileSync(path.join(ROOT, 'manifests/install.yaml'), 'utf8'));
  t.deepEqual([...new Set(objects.map((o) => o.kind))].sort(), [
    'ClusterRole',
    'ClusterRoleBinding',
    'CustomResourceDefinition',
    'Deployment',
    'Namespace',
    'PodDisruptionBudget',
    'Role',
    'RoleBinding',
    'Service',
    'ServiceAccount',
  ]);
  t.true(
    objects
      .filter((o) => o.metadata.namespace !== undefined)
      .every((o) => o.metadata.namespace === 'modelrollout-system'),
  );
});

test('--check names what is stale, and a render brings it up to date', async (t) => {
  const root = scratchCopy();
  try {
    const crd = yamlFiles(path.join(root, 'crds'))[0];
    fs.appendFileSync(path.join(root, 'crds', crd), '# changed\n');
    const values = path.join(root, 'helm/modelrollout/values.yaml');
    fs.writeFileSync(values, fs.readFileSync(values, 'utf8').replace('replicaCount: 2', 'replicaCount: 3'));
    const dashboard = path.join(root, 'manifests/grafana/operator.json');
    fs.writeFileSync(dashboard, fs.readFileSync(dashboard, 'utf8').replace('"version": 1', '"version": 2'));

    const stale = await renderScript(root, '--check');
    t.is(stale.code, 1);
    for (const name of [
      'helm/modelrollout/crds',
      'helm/modelrollout/files/dashboards',
      'manifests/install.yaml',
    ]) {
      t.true(stale.stderr.includes(name), `${name} not reported: ${stale.stderr}`);
    }
    t.false(stale.stderr.includes('files/prometheus'));

    t.is((await renderScript(root)).code, 0);
    t.is((await renderScript(root, '--check')).code, 0);
    t.true(fs.readFileSync(path.join(root, 'helm/modelrollout/crds', crd), 'utf8').endsWith('# changed\n'));
    t.regex(fs.readFileSync(path.join(root, 'manifests/install.yaml'), 'utf8'), /replicas: 3/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('scripts/sync-crds.sh copies new CRDs and removes the copies of deleted ones', async (t) => {
  const root = scratchCopy();
  try {
    fs.writeFileSync(path.join(root, 'crds/extra.yaml'), 'kind: CustomResourceDefinition\n');
    fs.writeFileSync(path.join(root, 'helm/modelrollout/crds/gone.yaml'), 'kind: CustomResourceDefinition\n');
    const result = await run('bash', [path.join(root, 'scripts/sync-crds.sh')]);
    t.is(result.code, 0, result.stderr);
    t.deepEqual(yamlFiles(path.join(root, 'helm/modelrollout/crds')), yamlFiles(path.join(root, 'crds')));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
