/** The CRD on the real API server: it installs, defaults, and refuses bad ModelDeployments clearly. */
import test from 'ava';
import type { ModelDeploymentSpec } from '../../src/api/types.js';
import {
  apiMessage,
  customObjects,
  freshNamespace,
  installCrd,
  kubeConfig,
  modelDeploymentObject,
} from './cluster.js';
import { valid } from './sample-spec.js';

let namespace: string;
test.before(async () => {
  const kc = await kubeConfig();
  await installCrd(kc);
  namespace = await freshNamespace(kc, 'crd');
});

test('the CRD is Established with short name, status subresource and printer columns', async (t) => {
  const crd = await installCrd(await kubeConfig());
  t.deepEqual(crd.spec.names.shortNames, ['mdep']);
  const version = crd.spec.versions[0];
  t.deepEqual(version.subresources?.status, {});
  const columns = version
    .additionalPrinterColumns!.filter((c) => !c.priority)
    .map((c) => c.name.toUpperCase());
  t.deepEqual(columns, ['PHASE', 'MASTER', 'CANDIDATE', 'WEIGHT', 'AGE']);
});

test('a valid ModelDeployment is stored with its defaults', async (t) => {
  const objects = customObjects(await kubeConfig());
  const created = await objects.create(modelDeploymentObject(namespace, 'house-price', valid()));
  t.like(created.spec, {
    model: { replicas: 1 },
    strategy: { promotion: 'Automatic', progressDeadline: '10m', shadow: { mirrorPercent: 100 } },
    traffic: { provider: 'router' },
    router: { replicas: 2 },
    analysis: { interval: '1m', failureLimit: 3, inconclusiveLimit: 5, minSampleCount: 100 },
    predictionStore: { secretRef: { key: 'url' }, required: false },
    paused: false,
  });
});

type Mutation = (s: ModelDeploymentSpec & Record<string, unknown>) => void;
/** [what, mutation, the field path the message must name, the reason it must give]. */
const invalid: [string, Mutation, string, RegExp][] = [
  [
    'descending canary steps',
    (s) => (s.strategy!.canary!.steps = [50, 25]),
    'spec.strategy.canary.steps',
    /strictly ascending/,
  ],
  [
    'repeated canary steps',
    (s) => (s.strategy!.canary!.steps = [10, 10]),
    'spec.strategy.canary.steps',
    /strictly ascending/,
  ],
  [
    'a weight above 100',
    (s) => (s.strategy!.canary!.steps = [10, 150]),
    'spec.strategy.canary.steps[1]',
    /less than or equal to 100/,
  ],
  [
    'a weight of 0',
    (s) => (s.strategy!.canary!.steps = [0, 50]),
    'spec.strategy.canary.steps[0]',
    /greater than or equal to 1/,
  ],
  [
    'a negative duration',
    (s) => (s.strategy!.canary!.stepDuration = '-5m'),
    'spec.strategy.canary.stepDuration',
    /positive duration/,
  ],
  [
    'an unparseable duration',
    (s) => (s.strategy!.shadow!.duration = 'ten minutes'),
    'spec.strategy.shadow.duration',
    /positive duration/,
  ],
  [
    'a zero deadline',
    (s) => (s.strategy!.progressDeadline = '0s'),
    'spec.strategy.progressDeadline',
    /positive duration/,
  ],
  ['a sub-second interval', (s) => (s.analysis.interval = '500ms'), 'spec.analysis.interval', /at least 1s/],
  [
    'a check without threshold',
    (s) => (s.analysis.checks = [{ builtin: 'errorRate' }]),
    'spec.analysis.checks[0]',
    /errorRate .* need a max/,
  ],
  [
    'an unknown builtin',
    (s) => (s.analysis.checks = [{ builtin: 'accuracy' as 'errorRate', max: 1 }]),
    'spec.analysis.checks[0].builtin',
    /Unsupported value: "accuracy"/,
  ],
  [
    'builtin and query together',
    (s) => (s.analysis.checks = [{ builtin: 'errorRate', query: 'up', max: 1 }]),
    'spec.analysis.checks[0]',
    /exactly one of builtin or query/,
  ],
  [
    'a custom check without a name',
    (s) => (s.analysis.checks = [{ query: 'up', max: 1 }]),
    'spec.analysis.checks[0]',
    /needs a name/,
  ],
  [
    'a custom check without a threshold',
    (s) => (s.analysis.checks = [{ name: 'c', query: 'up' }]),
    'spec.analysis.checks[0]',
    /needs a threshold/,
  ],
  [
    'latencyP99 with only min',
    (s) => (s.analysis.checks = [{ builtin: 'latencyP99', min: 0 }]),
    'spec.analysis.checks[0]',
    /latencyP99 needs maxRatioToMaster or max/,
  ],
  [
    'shadowDivergence without quantile',
    (s) => (s.analysis.checks = [{ builtin: 'shadowDivergence', max: 0.1 }]),
    'spec.analysis.checks[0]',
    /needs max and quantile/,
  ],
  [
    'a quantile of 1',
    (s) => (s.analysis.checks = [{ builtin: 'shadowDivergence', max: 0.1, quantile: 1 }]),
    'spec.analysis.checks[0].quantile',
    /less than 1/,
  ],
  [
    'shadowDivergence without a shadow stage',
    (s) => delete s.strategy!.shadow,
    'spec.analysis.checks',
    /needs spec\.strategy\.shadow/,
  ],
  [
    'two checks with one name',
    (s) =>
      (s.analysis.checks = [
        { builtin: 'errorRate', max: 1 },
        { name: 'errorRate', query: 'up', max: 1 },
      ]),
    'spec.analysis.checks',
    /names must be unique/,
  ],
  [
    'neither shadow nor canary',
    (s) => {
      s.strategy = {};
      s.analysis.checks = [{ builtin: 'errorRate', max: 1 }];
    },
    'spec.strategy',
    /at least one of shadow or canary/,
  ],
  [
    'a mirror percent above 100',
    (s) => (s.strategy!.shadow!.mirrorPercent = 101),
    'spec.strategy.shadow.mirrorPercent',
    /less than or equal to 100/,
  ],
  ['zero replicas', (s) => (s.model.replicas = 0), 'spec.model.replicas', /greater than or equal to 1/],
  ['an empty image', (s) => (s.model.image = ''), 'spec.model.image', /at least 1 chars/],
  [
    'no artifact source',
    (s) => (s.model.artifact = {}),
    'spec.model.artifact',
    /exactly one of uri or configMap/,
  ],
  [
    'an s3:// artifact',
    (s) => (s.model.artifact = { uri: 's3://bucket/m.json' }),
    'spec.model.artifact.uri',
    /should match/,
  ],
  [
    'an unknown promotion mode',
    (s) => (s.strategy!.promotion = 'Eventually' as 'Manual'),
    'spec.strategy.promotion',
    /Unsupported value: "Eventually"/,
  ],
  [
    'a failureLimit of 0',
    (s) => (s.analysis.failureLimit = 0),
    'spec.analysis.failureLimit',
    /greater than or equal to 1/,
  ],
  [
    'gateway-api without gateway',
    (s) => (s.traffic = { provider: 'gateway-api' }),
    'spec.traffic',
    /gateway: required when/,
  ],
  [
    'overriding MODEL_ARTIFACT',
    (s) => (s.model.env = [{ name: 'MODEL_ARTIFACT', value: '/x' }]),
    'spec.model.env[0]',
    /set by the operator/,
  ],
  [
    'a version that is no label value',
    (s) => (s.model.version = 'v 1/2'),
    'spec.model.version',
    /should match/,
  ],
];

for (const [what, mutate, field, reason] of invalid) {
  test(`refused: ${what}`, async (t) => {
    const spec = valid() as ModelDeploymentSpec & Record<string, unknown>;
    mutate(spec);
    const name = `bad-${Math.random().toString(36).slice(2, 8)}`;
    const err = await t.throwsAsync(
      customObjects(await kubeConfig()).create(modelDeploymentObject(namespace, name, spec)),
    );
    const message = apiMessage(err);
    t.true(message.includes(`${field}:`), `message names ${field}: ${message}`);
    t.regex(message, reason);
  });
}

test('refused: a name too long for child Service names', async (t) => {
  const err = await t.throwsAsync(
    customObjects(await kubeConfig()).create(modelDeploymentObject(namespace, 'm'.repeat(54), valid())),
  );
  t.regex(apiMessage(err), /metadata\.name: at most 53 characters/);
});
