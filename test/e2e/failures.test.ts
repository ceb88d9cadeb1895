import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { startPrometheus } from '../cluster/index.js';
import { fastSpec, MODELS, modelSpec, withEnvironment } from './environment.js';
import { startTraffic } from './traffic.js';

const NAME = 'house-price';

test.serial('a bad candidate is rolled back, naming the failing check', async (t) => {
  await withEnvironment('e2e-bad', async (env) => {
    const address = await env.deploy(NAME, fastSpec(env));
    const traffic = startTraffic(address);
    try {
      await env.patch(NAME, { spec: { model: modelSpec(MODELS.v3) } });
      const failed = await env.waitForPhase(NAME, ['Failed', 'Succeeded'], 240_000);
      t.is(failed.status?.phase, 'Failed');
      t.is(failed.status?.master?.version, MODELS.v1.version, 'master still serves v1');
      t.is(failed.status?.canaryWeight ?? 0, 0);
      t.is(failed.status?.mirrorPercent ?? 0, 0);
      const failing = (failed.status?.lastAnalysis?.checks ?? [])
        .filter((c) => c.verdict === 'fail')
        .map((c) => c.name);
      t.true(failing.length > 0);
      t.is(failed.status?.rollbackReason, 'AnalysisFailed');
      const why = failed.status?.history?.[0]?.reason ?? '';
      t.true(
        failing.some((name) => why.includes(name)),
        `history reason "${why}" names one of ${failing.join(', ')}`,
      );
      t.is(failed.status?.history?.[0]?.outcome, 'Failed');
      const events = await env.events(NAME);
      const rollbackEvents = events.filter((e) => /^(RolledBack|RollbackStarted)/.test(e));
      t.true(
        rollbackEvents.some((e) => failing.some((name) => e.includes(name))),
        events.join('\n'),
      );
    } finally {
      await traffic.stop();
    }
  });
});

test.serial('a candidate that never becomes ready is rolled back at progressDeadline', async (t) => {
  await withEnvironment('e2e-deadline', async (env) => {
    const spec = fastSpec(env);
    spec.strategy = { ...spec.strategy, progressDeadline: '15s' };
    await env.create(NAME, spec);
    await env.waitUntil(NAME, 'master v1 ready', (md) => (md.status?.master?.readyReplicas ?? 0) >= 1);
    const broken = { ...modelSpec(MODELS.v2), artifact: { uri: 'file:///nonexistent/model.json' } };
    const started = Date.now();
    await env.patch(NAME, { spec: { model: broken } });
    const failed = await env.waitForPhase(NAME, ['Failed', 'Succeeded'], 120_000);
    t.is(failed.status?.phase, 'Failed');
    t.regex(failed.status?.rollbackReason ?? '', /progressDeadline|ready/i);
    t.true(Date.now() - started >= 15_000, 'not before the deadline');
    t.is(failed.status?.master?.version, MODELS.v1.version);
  });
});

test.serial('Prometheus stopped during analysis: inconclusive, never promoted, rolled back', async (t) => {
  // A private Prometheus: stopping the shared one would disturb other tests.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-prom-'));
  const prometheus = await startPrometheus(dir);
  try {
    await withEnvironment(
      'e2e-noprom',
      async (env) => {
        const spec = fastSpec(env);
        spec.analysis = { ...spec.analysis, inconclusiveLimit: 3 };
        spec.strategy = { ...spec.strategy, shadow: { duration: '60s', mirrorPercent: 100 } };
        const address = await env.deploy(NAME, spec);
        const traffic = startTraffic(address);
        try {
          await env.patch(NAME, { spec: { model: modelSpec(MODELS.v2) } });
          await env.waitUntil(
            NAME,
            'a first analysis',
            (md) => md.status?.phase === 'Shadowing' && !!md.status.lastAnalysis,
          );
          await prometheus.stop();
          const failed = await env.waitForPhase(NAME, ['Failed', 'Succeeded'], 180_000);
          t.is(failed.status?.phase, 'Failed');
          t.true((failed.status?.inconclusiveChecks ?? 0) >= 3);
          t.true((failed.status?.lastAnalysis?.checks ?? []).every((c) => c.verdict === 'inconclusive'));
          t.regex(failed.status?.rollbackReason ?? '', /inconclusive/i);
          t.is(failed.status?.master?.version, MODELS.v1.version, 'never promoted');
        } finally {
          await traffic.stop();
        }
      },
      { prometheus },
    );
  } finally {
    await prometheus.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
