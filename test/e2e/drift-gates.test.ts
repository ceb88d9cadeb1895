import test, { type ExecutionContext } from 'ava';
import type { ModelDeployment } from '../../operator/src/api/types.js';
import type { CheckSpec } from '../../operator/src/analysis/types.js';
import { fastSpec, MODELS, modelSpec, withEnvironment, type E2eEnvironment } from './environment.js';
import { startTraffic, testRecords } from './traffic.js';

const NAME = 'house-price';

/** The records in a fixed pseudo-random order (Fisher-Yates with a small seeded generator). */
function shuffled<T>(items: readonly T[], seed = 42): T[] {
  const out = [...items];
  let state = seed;
  const random = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Deploys v1 with `checks`, rolls out `target` under `records`, and waits for the end of the rollout. */
async function rollOut(
  env: E2eEnvironment,
  target: (typeof MODELS)[keyof typeof MODELS],
  checks: CheckSpec[],
  records: Record<string, unknown>[],
): Promise<ModelDeployment> {
  const spec = fastSpec(env);
  spec.analysis = { ...spec.analysis, checks };
  const address = await env.deploy(NAME, spec);
  const traffic = startTraffic(address, 40, records);
  try {
    await env.patch(NAME, { spec: { model: modelSpec(target) } });
    return await env.waitForPhase(NAME, ['Failed', 'Succeeded'], 240_000);
  } finally {
    await traffic.stop();
  }
}

/** The rollout failed on `check` alone, and status, history and events say so. */
async function assertRolledBackBy(
  t: ExecutionContext,
  env: E2eEnvironment,
  done: ModelDeployment,
  check: string,
  reason: RegExp,
): Promise<void> {
  t.is(done.status?.phase, 'Failed', done.status?.message);
  t.is(done.status?.master?.version, MODELS.v1.version, 'master still serves v1');
  t.is(done.status?.rollbackReason, 'AnalysisFailed');
  const checks = done.status?.lastAnalysis?.checks ?? [];
  const failing = checks.filter((c) => c.verdict === 'fail');
  t.deepEqual(
    failing.map((c) => c.name),
    [check],
    JSON.stringify(checks),
  );
  t.regex(failing[0]?.reason ?? '', reason);
  t.regex(done.status?.history?.[0]?.reason ?? '', new RegExp(check));
  t.is(done.status?.history?.[0]?.outcome, 'Failed');
  const events = await env.events(NAME);
  t.true(
    events.some((e) => /^(RolledBack|RollbackStarted)/.test(e) && e.includes(check)),
    events.join('\n'),
  );
}

test.serial('drifted inputs roll a candidate back by inputDrift, naming the worst feature', async (t) => {
  await withEnvironment('e2e-input-drift', async (env) => {
    // Lots five times as large as anything seen in training. Shuffled: test.csv is ordered by year
    // sold, so a few seconds of it in file order are drifted in YrSold already.
    const drifted = shuffled(testRecords()).map((r) => ({ ...r, LotArea: (r.LotArea as number) * 5 }));
    const done = await rollOut(
      env,
      MODELS.v2,
      [
        { builtin: 'errorRate', max: 0.02 },
        { builtin: 'inputDrift', max: 0.2 },
      ],
      drifted,
    );
    await assertRolledBackBy(t, env, done, 'inputDrift', /> max 0\.2 \(worst feature LotArea\)$/);
  });
});

test.serial(
  'a candidate whose predictions drift from the master is rolled back by predictionDrift',
  async (t) => {
    await withEnvironment('e2e-prediction-drift', async (env) => {
      // v3 predicts about 50% high: its distribution leaves the master's on the same inputs.
      const done = await rollOut(
        env,
        MODELS.v3,
        [
          { builtin: 'errorRate', max: 0.02 },
          { builtin: 'predictionDrift', max: 0.3 },
        ],
        testRecords(),
      );
      await assertRolledBackBy(t, env, done, 'predictionDrift', /> max 0\.3 \(largest gap at le=\d+/);
    });
  },
);
