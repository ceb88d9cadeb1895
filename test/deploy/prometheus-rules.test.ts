/** The alert rules of manifests/prometheus: promtool's checks and unit tests, and a real Prometheus loading them. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { parse } from 'yaml';
import { startPrometheus, waitFor } from '../cluster/index.js';
import { selectorsOf } from './dashboard-queries.js';
import { TARGET_LABELS, exportedMetrics } from './exported-metrics.js';
import { MANIFESTS, run } from './helpers.js';

const RULES = path.join(MANIFESTS, 'prometheus/rules.yml');
const TESTS_DIR = path.join(MANIFESTS, 'prometheus/tests');
const testFiles = () =>
  fs
    .readdirSync(TESTS_DIR)
    .filter((f) => f.endsWith('.yml'))
    .map((f) => path.join(TESTS_DIR, f));

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const rules = (
  parse(fs.readFileSync(RULES, 'utf8')) as { groups: { name: string; rules: Rule[] }[] }
).groups.flatMap((g) => g.rules);

test('promtool check rules is clean', async (t) => {
  const result = await run('promtool', ['check', 'rules', RULES]);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, new RegExp(`SUCCESS: ${rules.length} rules found`));
  t.notRegex(result.stdout + result.stderr, /WARNING/);
});

test('promtool test rules passes every unit test in manifests/prometheus/tests', async (t) => {
  const result = await run('promtool', ['test', 'rules', ...testFiles()]);
  t.is(result.code, 0, result.stdout + result.stderr);
  t.is(result.stdout.match(/SUCCESS/g)?.length, testFiles().length);
});

test('every alert has a unit test in which it fires, and every alert has a severity and a summary', (t) => {
  const fired = new Set<string>();
  for (const file of testFiles()) {
    const doc = parse(fs.readFileSync(file, 'utf8')) as {
      tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[];
    };
    for (const unit of doc.tests) {
      for (const check of unit.alert_rule_test ?? [])
        if (check.exp_alerts.length > 0) fired.add(check.alertname);
    }
  }
  const alerts = rules.filter((r) => r.alert);
  t.deepEqual([...new Set(alerts.map((r) => r.alert!))].sort(), [...fired].sort());
  for (const rule of alerts) {
    t.true(['critical', 'warning', 'info'].includes(rule.labels?.severity ?? ''), rule.alert);
    t.truthy(rule.annotations?.summary, rule.alert);
    t.truthy(rule.annotations?.description, rule.alert);
  }
});

test('the unit tests catch a broken rule (a threshold moved)', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rules-mutant-'));
  try {
    fs.mkdirSync(path.join(dir, 'tests'));
    const mutant = fs.readFileSync(RULES, 'utf8').replace('> 0.05', '> 0.5');
    t.not(mutant, fs.readFileSync(RULES, 'utf8'));
    fs.writeFileSync(path.join(dir, 'rules.yml'), mutant);
    for (const file of testFiles()) fs.copyFileSync(file, path.join(dir, 'tests', path.basename(file)));
    const result = await run('promtool', ['test', 'rules', path.join(dir, 'tests', 'model-server.test.yml')]);
    t.not(result.code, 0);
    t.regex(result.stdout + result.stderr, /alertname: ModelServerHighErrorRate/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('every series and label the rules use is one the components export', async (t) => {
  const catalog = await exportedMetrics();
  const problems: string[] = [];
  for (const rule of rules) {
    for (const use of selectorsOf(rule.expr)) {
      const labels = catalog.get(use.metric);
      if (!labels) problems.push(`${rule.alert}: ${use.metric} is not exported`);
      for (const label of use.labels) {
        if (labels && !labels.has(label) && !TARGET_LABELS.includes(label)) {
          problems.push(`${rule.alert}: ${use.metric} has no label ${label}`);
        }
      }
    }
  }
  t.deepEqual(problems, []);
});

test('a real Prometheus loads and evaluates the rules; with no operator scraped, the leader alert is pending', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rules-prometheus-'));
  const prometheus = await startPrometheus(dir);
  try {
    fs.copyFileSync(RULES, path.join(prometheus.rulesDir, 'modelrollout.yml'));
    await prometheus.reload();
    const loaded = await waitFor(
      'the rules to be evaluated',
      async () => {
        const res = await fetch(`${prometheus.url}/api/v1/rules`);
        const body = (await res.json()) as {
          data: {
            groups: { rules: { name: string; health: string; state?: string; lastEvaluation: string }[] }[];
          };
        };
        const all = body.data.groups.flatMap((g) => g.rules);
        return all.length === rules.length &&
          all.every((r) => r.health === 'ok' && !r.lastEvaluation.startsWith('0001'))
          ? all
          : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    t.is(loaded.find((r) => r.name === 'ModelRolloutOperatorLeader')?.state, 'pending');
    t.is(loaded.find((r) => r.name === 'ModelRolloutFailed')?.state, 'inactive');
  } finally {
    await prometheus.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
