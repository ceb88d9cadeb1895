import test, { type ExecutionContext } from 'ava';
import { promQuery } from '../cluster/index.js';
import { dashboardQueries, MAY_BE_EMPTY } from '../deploy/dashboard-queries.js';
import { fastSpec, MODELS, modelSpec, withEnvironment } from './environment.js';
import { startTraffic } from './traffic.js';

const NAME = 'house-price';

test.serial('shadow → canary → promote: master serves v2, candidate gone, history updated', async (t) => {
  await withEnvironment('e2e-happy', async (env) => {
    const address = await env.deploy(NAME, fastSpec(env));
    t.is((await env.get(NAME)).status?.master?.version, MODELS.v1.version);
    const traffic = startTraffic(address);
    try {
      const started = Date.now();
      await env.patch(NAME, { spec: { model: modelSpec(MODELS.v2) } });
      await env.waitForPhase(NAME, ['Shadowing'], 120_000);
      await env.waitForPhase(NAME, ['Canary'], 120_000);
      const done = await env.waitForPhase(NAME, ['Succeeded', 'Failed'], 240_000);
      t.log(
        `rollout took ${((Date.now() - started) / 1000).toFixed(0)} s; traffic ${JSON.stringify(traffic.stats)}`,
      );
      t.is(done.status?.phase, 'Succeeded', done.status?.message);
      t.is(done.status?.master?.version, MODELS.v2.version);
      t.is(done.status?.candidate, undefined);
      t.is(done.status?.history?.[0]?.version, MODELS.v2.version);
      t.is(done.status?.history?.[0]?.outcome, 'Promoted');
      t.true((done.status?.lastAnalysis?.checks ?? []).every((c) => c.verdict === 'pass'));
      await everyDashboardPanelHasData(t, env.prometheusUrl);
      const events = await env.events(NAME);
      t.true(
        events.some((e) => e.startsWith('Promoted')),
        events.join('\n'),
      );
    } finally {
      await traffic.stop();
    }
    t.is(traffic.stats.errors, 0);
    t.deepEqual(Object.keys(traffic.stats.byStatus), ['200']);
  });
});

/**
 * Runs every Grafana panel's PromQL against the live Prometheus of the rollout until each returns
 * data (the newest pods need a scrape or two after the promotion).
 */
async function everyDashboardPanelHasData(t: ExecutionContext, prometheusUrl: string): Promise<void> {
  const emptyQueries = async () => {
    const empty: string[] = [];
    for (const query of dashboardQueries()) {
      const key = `${query.dashboard}/${query.where}`;
      const result = await promQuery(prometheusUrl, query.promql);
      if (result.length === 0 && !MAY_BE_EMPTY[key]) empty.push(`${key}: ${query.promql}`);
    }
    return empty;
  };
  let empty = await emptyQueries();
  const deadline = Date.now() + 30_000;
  while (empty.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    empty = await emptyQueries();
  }
  t.deepEqual(empty, [], 'dashboard queries without data during the rollout');
}
