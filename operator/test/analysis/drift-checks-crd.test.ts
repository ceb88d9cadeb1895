/** The CRD on the real API server accepts the drift gates with a max, and refuses them without one. */
import test from 'ava';
import type { ModelDeploymentSpec } from '../../src/api/types.js';
import {
  apiMessage,
  customObjects,
  freshNamespace,
  installCrd,
  kubeConfig,
  modelDeploymentObject,
} from '../reconcile/cluster.js';
import { valid } from '../reconcile/sample-spec.js';

let namespace: string;
test.before(async () => {
  const kc = await kubeConfig();
  await installCrd(kc);
  namespace = await freshNamespace(kc, 'drift-crd');
});

const withChecks = (checks: NonNullable<ModelDeploymentSpec['analysis']>['checks']): ModelDeploymentSpec => {
  const spec = valid();
  spec.analysis = { ...spec.analysis, checks };
  return spec;
};

test('inputDrift and predictionDrift with a max are accepted', async (t) => {
  const objects = customObjects(await kubeConfig());
  const spec = withChecks([
    { builtin: 'inputDrift', max: 0.2 },
    { builtin: 'predictionDrift', max: 0.2 },
  ]);
  const created = await objects.create(modelDeploymentObject(namespace, 'drift-gates', spec));
  t.deepEqual(created.spec.analysis?.checks, spec.analysis?.checks);
});

for (const builtin of ['inputDrift', 'predictionDrift'] as const) {
  test(`refused: ${builtin} without max`, async (t) => {
    const spec = withChecks([{ builtin, min: 0.01 }]);
    const err = await t.throwsAsync(
      customObjects(await kubeConfig()).create(
        modelDeploymentObject(namespace, `no-max-${builtin.toLowerCase()}`, spec),
      ),
    );
    const message = apiMessage(err);
    t.true(message.includes('spec.analysis.checks[0]:'), message);
    t.regex(message, /inputDrift and predictionDrift need a max threshold/);
  });
}
