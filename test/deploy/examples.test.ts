/** The example ModelDeployments of manifests/examples are accepted by the API server with the project's CRD. */
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { parse } from 'yaml';
import { CHART, MANIFESTS, cluster, parseObjects, uniqueName, type KubeObject } from './helpers.js';

const EXAMPLES = path.join(MANIFESTS, 'examples');

interface ExampleSpec {
  model: { image: string };
  strategy: { shadow?: object; canary?: object; promotion?: string };
  traffic?: { provider?: string };
}

const examples = fs
  .readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((file) => {
    const objects = parseObjects(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));
    return { file, object: objects[0] as KubeObject & { spec: ExampleSpec }, count: objects.length };
  });

test('the examples show shadow only, canary, manual promotion and the Gateway API', (t) => {
  const byFile = Object.fromEntries(examples.map((e) => [e.file, e.object.spec]));
  t.deepEqual(Object.keys(byFile), [
    'canary.yaml',
    'gateway-api.yaml',
    'manual-promotion.yaml',
    'shadow-only.yaml',
  ]);
  t.truthy(byFile['shadow-only.yaml'].strategy.shadow);
  t.falsy(byFile['shadow-only.yaml'].strategy.canary);
  t.truthy(byFile['canary.yaml'].strategy.canary);
  t.is(byFile['manual-promotion.yaml'].strategy.promotion, 'Manual');
  t.is(byFile['gateway-api.yaml'].traffic?.provider, 'gateway-api');
  const { appVersion } = parse(fs.readFileSync(path.join(CHART, 'Chart.yaml'), 'utf8')) as {
    appVersion: string;
  };
  for (const { file, object, count } of examples) {
    t.is(count, 1, file);
    t.is(object.kind, 'ModelDeployment', file);
    t.is(
      object.spec.model.image,
      `modelrollout/model-server:${appVersion}`,
      `${file}: image of the model-server build`,
    );
  }
});

test('every example passes the API server validation (server-side dry run)', async (t) => {
  const k = await cluster();
  await k.ensureCrds();
  const namespace = await k.createNamespace(uniqueName('mr-examples'));
  try {
    const dryRun = (object: KubeObject) =>
      k.kubectl(
        ['create', '--dry-run=server', '-f', '-'],
        JSON.stringify({ ...object, metadata: { ...object.metadata, namespace } }),
      );
    for (const { file, object } of examples) {
      const result = await dryRun(object);
      t.is(result.code, 0, `${file}: ${result.stderr}`);
    }
    // Control: the same dry run refuses a broken resource, so the passes above mean something.
    const broken = structuredClone(examples.find((e) => e.file === 'canary.yaml')!.object);
    (broken.spec.strategy.canary as { steps: number[] }).steps = [50, 10];
    const refused = await dryRun(broken);
    t.not(refused.code, 0);
    t.regex(refused.stderr, /steps/);
  } finally {
    await k.deleteNamespaces(namespace);
  }
});
