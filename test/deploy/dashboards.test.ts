/**
 * The Grafana dashboards of manifests/grafana: importable JSON, every query valid PromQL for the
 * real Prometheus, and every series and label one that the components export.
 */
import test from 'ava';
import { sharedControlPlane } from '../cluster/index.js';
import {
  MAY_BE_EMPTY,
  dashboardQueries,
  readDashboards,
  selectorsOf,
  substituteVariables,
  variableValues,
  type Dashboard,
} from './dashboard-queries.js';
import { TARGET_LABELS, exportedMetrics } from './exported-metrics.js';

interface PanelJson {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { expr: string; datasource?: { uid: string } }[];
}

/** The Prometheus HTTP API's answer to an instant query. */
async function instantQuery(
  prometheusUrl: string,
  promql: string,
): Promise<{ http: number; body: Record<string, unknown> }> {
  const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
  return { http: res.status, body: (await res.json()) as Record<string, unknown> };
}

const dashboards = readDashboards();
const byFile = (file: string): Dashboard => dashboards.find((d) => d.file === file)!.dashboard;
const exprsOf = (file: string) => dashboardQueries().filter((q) => q.dashboard === file);

test('there are three dashboards with unique uids and a Prometheus data source variable', (t) => {
  t.deepEqual(
    dashboards.map((d) => d.file),
    ['model-serving.json', 'operator.json', 'rollouts.json'],
  );
  t.is(new Set(dashboards.map((d) => d.dashboard.uid)).size, 3);
  for (const { file, dashboard } of dashboards) {
    const datasource = dashboard.templating.list.find((v) => v.type === 'datasource');
    t.like(datasource, { name: 'datasource', query: 'prometheus' }, file);
    t.true(dashboard.title.startsWith('modelrollout / '), file);
  }
});

test('every panel is laid out on the grid, has a unique id and queries the selected data source', (t) => {
  for (const { file, dashboard } of dashboards) {
    const panels = dashboard.panels as unknown as PanelJson[];
    t.is(new Set(panels.map((p) => p.id)).size, panels.length, `${file}: duplicate panel ids`);
    for (const panel of panels) {
      const at = `${file}: ${panel.title}`;
      t.true(panel.gridPos.x >= 0 && panel.gridPos.w > 0 && panel.gridPos.x + panel.gridPos.w <= 24, at);
      if (panel.type === 'row') continue;
      t.deepEqual(panel.datasource, { type: 'prometheus', uid: '${datasource}' }, at);
      t.true((panel.targets ?? []).length > 0, `${at}: no query`);
      for (const target of panel.targets ?? []) t.is(target.datasource?.uid, '${datasource}', at);
    }
  }
});

test('the dashboards cover what SREs watch', (t) => {
  const has = (file: string, pattern: RegExp) => exprsOf(file).some((q) => pattern.test(q.expr));
  const serving = [
    /rate\(http_request_count_total\{/,
    /status=~"5\.\."/,
    /histogram_quantile\(0\.5, .*http_request_latency_seconds_bucket/,
    /histogram_quantile\(0\.99, .*http_request_latency_seconds_bucket/,
    /house_price_prediction_dollars_sum.*house_price_prediction_dollars_count/,
    /histogram_quantile\(0\.9, .*house_price_prediction_dollars_bucket/,
    /avg_over_time\(house_price_gauge_dollars\{.*\}\[\$rolling\]\)/,
    /stddev_over_time\(house_price_gauge_dollars.*sqrt\(count_over_time\(house_price_gauge_dollars/,
    /\(avg by .*avg_over_time.*\$rolling.* - avg by .*avg_over_time.*\$baseline.*\) \/ avg by .*stddev_over_time.*\$baseline/,
    /router_shadow_relative_difference_bucket/,
  ];
  for (const pattern of serving) t.true(has('model-serving.json', pattern), `model-serving: ${pattern}`);
  const annotations = byFile('model-serving.json').annotations.list.filter((a) => a.expr);
  t.regex(annotations[0].expr!, /model_version_details_info.* unless .*model_version_details_info.* offset/);
  for (const by of ['modeldeployment', 'variant', 'model_version'])
    t.true(has('model-serving.json', new RegExp(`by \\(.*${by}`)));

  const rollouts = [
    /modelrollout_phase\{/,
    /router_canary_weight_percent/,
    /router_mirror_percent/,
    /modelrollout_analysis_check_value\{/,
    /modelrollout_analysis_check_threshold\{/,
    /modelrollout_analysis_check_verdict\{/,
    /modelrollout_promotions_total/,
    /modelrollout_rollbacks_total/,
  ];
  for (const pattern of rollouts) t.true(has('rollouts.json', pattern), `rollouts: ${pattern}`);

  const operator = [
    /rate\(modelrollout_reconcile_duration_seconds_count/,
    /modelrollout_reconcile_errors_total/,
    /histogram_quantile\(0\.99, .*modelrollout_reconcile_duration_seconds_bucket/,
    /modelrollout_workqueue_depth/,
    /modelrollout_leader/,
  ];
  for (const pattern of operator) t.true(has('operator.json', pattern), `operator: ${pattern}`);
});

test('variables are substituted: "All" becomes .*, windows take their current value', (t) => {
  const values = variableValues(byFile('model-serving.json'));
  t.like(values, { namespace: '.*', rolling: '15m', baseline: '1d', __rate_interval: '1m' });
  t.is(substituteVariables('x{a=~"$namespace"}[${rolling}]', values), 'x{a=~".*"}[15m]');
  t.throws(() => substituteVariables('x[$nope]', values), { message: /unknown dashboard variable \$nope/ });
  for (const query of dashboardQueries()) t.notRegex(query.promql, /\$/, `${query.dashboard} ${query.where}`);
});

test('every query is valid PromQL for the real Prometheus', async (t) => {
  const plane = await sharedControlPlane();
  const url = plane.prometheusUrl;
  // Control: Prometheus refuses a broken query with 400 bad_data.
  const broken = await instantQuery(url, 'sum(rate(http_request_count_total[1m])');
  t.is(broken.http, 400);
  t.is(broken.body.errorType, 'bad_data');

  const queries = dashboardQueries();
  t.true(queries.length > 60, `${queries.length} queries`);
  const failures: string[] = [];
  await Promise.all(
    queries.map(async (q) => {
      const answer = await instantQuery(url, q.promql);
      if (answer.http !== 200 || answer.body.status !== 'success') {
        failures.push(`${q.dashboard} ${q.where}: ${String(answer.body.error)}`);
      }
    }),
  );
  t.deepEqual(failures, []);
});

test('every series and label the dashboards use is one the components export', async (t) => {
  const catalog = await exportedMetrics();
  const problems: string[] = [];
  for (const q of dashboardQueries()) {
    const uses = selectorsOf(q.promql);
    if (uses.length === 0) problems.push(`${q.dashboard} ${q.where}: reads no series`);
    for (const use of uses) {
      const labels = catalog.get(use.metric);
      if (!labels) {
        problems.push(`${q.dashboard} ${q.where}: ${use.metric} is not exported`);
        continue;
      }
      for (const label of use.labels) {
        if (!labels.has(label) && !TARGET_LABELS.includes(label)) {
          problems.push(`${q.dashboard} ${q.where}: ${use.metric} has no label ${label}`);
        }
      }
    }
  }
  t.deepEqual(problems, []);
});

test('the metric scanner finds series, skips functions and keywords, and reads matchers', (t) => {
  t.deepEqual(
    selectorsOf(
      'histogram_quantile(0.99, sum by (le, variant) (rate(x_bucket{a="1", b=~"c|d"}[5m]))) / on (variant) y offset 5m > bool 1e3',
    ),
    [
      { metric: 'x_bucket', labels: ['a', 'b'] },
      { metric: 'y', labels: [] },
    ],
  );
});

test('the panels allowed to be empty during a rollout exist', (t) => {
  const names = new Set(dashboardQueries().map((q) => `${q.dashboard}/${q.where}`));
  for (const key of Object.keys(MAY_BE_EMPTY)) t.true(names.has(key), key);
});
