/**
 * Every PromQL query of the Grafana dashboards in manifests/grafana — panel targets, annotation
 * queries and the selectors of `label_values()` variables — with the dashboard variables replaced
 * so that Prometheus can run them. dashboards.test.ts checks them now; the end-to-end rollout test
 * runs them against live data.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MANIFESTS } from './helpers.js';

export const GRAFANA_DIR = path.join(MANIFESTS, 'grafana');

/** One query of a dashboard. */
export interface DashboardQuery {
  /** File name of the dashboard. */
  dashboard: string;
  /** Where it sits: `panel <title> <refId>`, `annotation <name>` or `variable <name>`. */
  where: string;
  /** The expression as written in the dashboard. */
  expr: string;
  /** The expression with dashboard variables replaced: runnable PromQL. */
  promql: string;
}

interface Target {
  expr?: string;
  refId?: string;
}
interface Panel {
  type: string;
  title: string;
  targets?: Target[];
  panels?: Panel[];
}
interface Variable {
  name: string;
  type: string;
  query?: string | { query?: string };
  allValue?: string;
  current?: { value?: string | string[] };
}
/** The parts of a Grafana dashboard model this module reads. */
export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
  annotations: { list: { name: string; expr?: string }[] };
}

/**
 * Panels that may legitimately show nothing during an end-to-end rollout, with the reason (the
 * end-to-end test skips the "returns data" assertion for these, not the validity checks).
 */
export const MAY_BE_EMPTY: Record<string, string> = {
  'rollouts.json/panel Promotions and rollbacks over time B': 'only after a rollback',
  'operator.json/panel Informer restarts A': 'only after a watch error',
  'model-serving.json/panel Shadow relative difference A': 'only while shadowing',
  'model-serving.json/panel Shadow relative difference B': 'only while shadowing',
  'model-serving.json/panel Shadow mismatches A': 'only while shadowing',
};

/** Values Grafana gives its built-in interval variables, used when running the queries. */
const BUILTIN: Record<string, string> = {
  __rate_interval: '1m',
  __interval: '15s',
  __range: '1h',
  __range_s: '3600',
};

export function readDashboards(dir = GRAFANA_DIR): { file: string; dashboard: Dashboard }[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      dashboard: JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Dashboard,
    }));
}

/** The value each dashboard variable takes when a query runs: "All" (its allValue) or the current value. */
export function variableValues(dashboard: Dashboard): Record<string, string> {
  const values: Record<string, string> = { ...BUILTIN };
  for (const v of dashboard.templating.list) {
    if (v.type === 'datasource') continue;
    const current = Array.isArray(v.current?.value) ? v.current.value[0] : v.current?.value;
    values[v.name] = current === '$__all' || current === undefined ? (v.allValue ?? '.*') : current;
  }
  return values;
}

/** Replaces `$name`, `${name}` and `[[name]]` by their values; throws on an unknown variable. */
export function substituteVariables(expr: string, values: Record<string, string>): string {
  return expr.replace(
    /\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g,
    (match, a: string, b: string, c: string) => {
      const name = a ?? b ?? c;
      if (!(name in values)) throw new Error(`unknown dashboard variable ${match} in ${expr}`);
      return values[name];
    },
  );
}

function* panelsOf(panels: Panel[]): Generator<Panel> {
  for (const panel of panels) {
    yield panel;
    if (panel.panels) yield* panelsOf(panel.panels);
  }
}

/** The selector inside `label_values(selector, label)`, or null for other variable queries. */
export function labelValuesSelector(query: string): string | null {
  const match = /^label_values\((.+),\s*\w+\)$/.exec(query.trim());
  return match ? match[1] : null;
}

/** Every query of every dashboard. */
export function dashboardQueries(dir = GRAFANA_DIR): DashboardQuery[] {
  const queries: DashboardQuery[] = [];
  for (const { file, dashboard } of readDashboards(dir)) {
    const values = variableValues(dashboard);
    const add = (where: string, expr: string) =>
      queries.push({ dashboard: file, where, expr, promql: substituteVariables(expr, values) });
    for (const panel of panelsOf(dashboard.panels)) {
      for (const target of panel.targets ?? []) {
        if (target.expr !== undefined) add(`panel ${panel.title} ${target.refId}`, target.expr);
      }
    }
    for (const annotation of dashboard.annotations.list) {
      if (annotation.expr !== undefined) add(`annotation ${annotation.name}`, annotation.expr);
    }
    for (const variable of dashboard.templating.list) {
      if (variable.type !== 'query') continue;
      const query = typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '');
      const selector = labelValuesSelector(query);
      if (selector === null)
        throw new Error(`${file}: variable ${variable.name} is not a label_values() query`);
      add(`variable ${variable.name}`, selector);
    }
  }
  return queries;
}

/** A vector selector found in a PromQL expression: the metric name and its label matchers. */
export interface SelectorUse {
  metric: string;
  labels: string[];
}

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
]);

/**
 * The series a PromQL expression reads. A small scanner, enough for the dashboards and rules of
 * this project: strings and grouping clauses are removed, then every identifier that is not a
 * function call or keyword is a metric name, with the matchers of the braces that follow it.
 */
export function selectorsOf(promql: string): SelectorUse[] {
  const cleaned = promql
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  const uses: SelectorUse[] = [];
  const token = /([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?\s*(\()?/g;
  let match: RegExpExecArray | null;
  while ((match = token.exec(cleaned)) !== null) {
    const [, name, braces, call] = match;
    const before = cleaned[match.index - 1];
    if (call || KEYWORDS.has(name) || /[0-9.]/.test(before ?? '')) continue;
    const labels = braces
      ? [...braces.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g)].map((m) => m[1])
      : [];
    uses.push({ metric: name, labels });
  }
  return uses;
}
