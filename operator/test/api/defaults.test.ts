import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import YAML from 'yaml';
import { DEFAULTS, InvalidSpecError, resolveSpec } from '../../src/api/defaults.js';
import type { ModelDeploymentSpec } from '../../src/api/types.js';

const crdFile = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../crds/modelrollout.io_modeldeployments.yaml',
);

const minimal = (): ModelDeploymentSpec => ({
  model: { version: '1.0.0', image: 'img:1', artifact: { uri: '/models/a.json' } },
  strategy: { canary: { steps: [20, 60] } },
  analysis: { prometheus: { address: 'http://prom:9090' } },
});

test('every default in DEFAULTS is the CRD schema default of that field, and the other way round', (t) => {
  const schema = YAML.parse(fs.readFileSync(crdFile, 'utf8')).spec.versions[0].schema.openAPIV3Schema;
  const found: Record<string, unknown> = {};
  const walk = (node: Record<string, unknown>, at: string) => {
    if ('default' in node && !(typeof node.default === 'object' && !Array.isArray(node.default)))
      found[at] = node.default;
    const props = (node.properties ?? {}) as Record<string, Record<string, unknown>>;
    for (const [name, child] of Object.entries(props)) walk(child, at ? `${at}.${name}` : name);
  };
  walk(schema, '');
  t.deepEqual(found, DEFAULTS as unknown as Record<string, unknown>);
});

test('a minimal spec resolves with every default', (t) => {
  const spec = resolveSpec(minimal());
  t.deepEqual(spec.model, {
    version: '1.0.0',
    image: 'img:1',
    artifact: { uri: '/models/a.json' },
    env: [],
    replicas: 1,
    resources: undefined,
  });
  t.is(spec.shadow, null);
  t.deepEqual(spec.canary, { steps: [20, 60], stepDurationMs: 300_000 });
  t.is(spec.promotion, 'Automatic');
  t.is(spec.progressDeadlineMs, 600_000);
  t.deepEqual(spec.traffic, { provider: 'router', gateway: undefined });
  t.is(spec.router.replicas, 2);
  t.deepEqual(spec.analysis, {
    intervalMs: 60_000,
    failureLimit: 3,
    inconclusiveLimit: 5,
    minSampleCount: 100,
    prometheusAddress: 'http://prom:9090',
    checks: [{ builtin: 'errorRate', max: 0.01 }],
  });
  t.is(spec.predictionStore, null);
  t.false(spec.paused);
});

test('shadow and prediction store defaults', (t) => {
  const spec = resolveSpec({
    ...minimal(),
    strategy: { shadow: {} },
    predictionStore: { secretRef: { name: 'db' } },
  });
  t.deepEqual(spec.shadow, { durationMs: 600_000, mirrorPercent: 100 });
  t.deepEqual(spec.predictionStore, { secretName: 'db', secretKey: 'url', required: false });
});

const invalid: [string, (s: ModelDeploymentSpec) => void, RegExp][] = [
  ['no strategy stage', (s) => (s.strategy = {}), /^spec\.strategy: at least one of shadow or canary/],
  [
    'descending steps',
    (s) => (s.strategy = { canary: { steps: [50, 10] } }),
    /^spec\.strategy\.canary\.steps: /,
  ],
  [
    'a step above 100',
    (s) => (s.strategy = { canary: { steps: [10, 150] } }),
    /^spec\.strategy\.canary\.steps: /,
  ],
  ['a bad duration', (s) => (s.analysis.interval = '1 minute'), /^spec\.analysis\.interval: /],
  ['a zero deadline', (s) => (s.strategy!.progressDeadline = '0s'), /^spec\.strategy\.progressDeadline: /],
  ['no artifact source', (s) => (s.model.artifact = {}), /^spec\.model\.artifact: exactly one/],
  [
    'no prometheus address',
    (s) => (s.analysis.prometheus = { address: '' }),
    /^spec\.analysis\.prometheus\.address: required/,
  ],
];
for (const [name, mutate, message] of invalid) {
  test(`resolveSpec refuses ${name} with an error naming the field`, (t) => {
    const spec = minimal();
    mutate(spec);
    const err = t.throws(() => resolveSpec(spec), { instanceOf: InvalidSpecError });
    t.regex(err!.message, message);
  });
}
