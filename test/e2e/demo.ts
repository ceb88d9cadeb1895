/**
 * `npm run demo`: the whole system on the local control plane. Master v1 (the linear baseline)
 * serves live traffic from the Kaggle test set; v2 (gradient boosting) is rolled out through
 * shadow and canary steps to automatic promotion; v3 (trained on corrupted labels) is rolled out
 * and rolled back automatically. `--keep` leaves everything running until Ctrl-C.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ModelDeployment, Phase } from '../../operator/src/api/types.js';
import { startControlPlane, type ControlPlane } from '../cluster/index.js';
import { killRecorded } from '../cluster/process.js';
import { runAssessment } from '../../model-server/src/assess/cli.js';
import { renderAssessmentHtml } from '../../model-server/src/assess/report-html.js';
import { liveView, summaryTable, type RolloutSummary } from './demo-view.js';
import { fastSpec, MODELS, modelSpec, startE2e, type E2eEnvironment } from './environment.js';
import { startTraffic, type TrafficStats } from './traffic.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({ options: { keep: { type: 'boolean', default: false } } });
const NAME = 'house-price';
const tty = process.stdout.isTTY;
const say = (text: string) => process.stdout.write(`${text}\n`);

/** Redraws the live view in place on a terminal; prints changed views otherwise. */
function makeRenderer() {
  let drawn = 0;
  let last = '';
  return (lines: string[]) => {
    const text = lines.join('\n');
    if (tty) {
      if (drawn) process.stdout.write(`\x1b[${drawn}A\x1b[0J`);
      process.stdout.write(`${text}\n`);
      drawn = lines.length;
    } else if (text.replace(/\[[█░]+\]\s+\d+%/g, '') !== last.replace(/\[[█░]+\]\s+\d+%/g, '')) {
      say(`${text}\n`);
    }
    last = text;
  };
}

async function rollOut(
  env: E2eEnvironment,
  model: (typeof MODELS)[keyof typeof MODELS],
  stats: TrafficStats,
): Promise<RolloutSummary> {
  const before = { ...stats.byVersion };
  const started = Date.now();
  say(`\n▶ rolling out ${model.version} (${model.file})`);
  await env.patch(NAME, { spec: { model: modelSpec(model) } });
  const render = makeRenderer();
  let md: ModelDeployment;
  for (;;) {
    md = await env.get(NAME);
    const phase = md.status?.phase as Phase;
    const started_ =
      md.status?.candidate?.version === model.version || md.status?.history?.[0]?.version === model.version;
    render(liveView(md, Date.now()));
    if (started_ && (phase === 'Succeeded' || phase === 'Failed')) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const entry = md.status?.history?.find((h) => h.version === model.version);
  const served = Object.fromEntries(
    Object.entries(stats.byVersion)
      .map(([v, n]) => [v, n - (before[v] ?? 0)])
      .filter(([, n]) => (n as number) > 0),
  );
  return {
    version: model.version,
    outcome: entry?.outcome ?? md.status!.phase!,
    seconds: (Date.now() - started) / 1000,
    reason: entry?.reason ?? md.status?.message ?? '',
    servedByVersion: served,
  };
}

async function main(): Promise<void> {
  const t0 = Date.now();
  say(
    'starting the local control plane (etcd, kube-apiserver, kube-controller-manager, PostgreSQL, Prometheus)…',
  );
  const dir = path.join(repoRoot, '.tmp', 'demo');
  killRecorded(dir); // a demo that was killed: its processes and state go first
  fs.rmSync(dir, { recursive: true, force: true });
  const plane: ControlPlane = await startControlPlane({ dir, verbose: true });
  let env: E2eEnvironment | undefined;
  const stopAll = async () => {
    await env?.stop().catch(() => undefined);
    await plane.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  try {
    say('starting the pod runner and the operator, installing the ModelDeployment CRD…');
    env = await startE2e(plane, 'demo', { namespace: 'ml' });
    const spec = fastSpec(env);
    spec.strategy = {
      shadow: { duration: '30s', mirrorPercent: 100 },
      canary: { steps: [25, 50, 75], stepDuration: '20s' },
      promotion: 'Automatic',
      progressDeadline: '120s',
    };
    say(`deploying master ${MODELS.v1.version} (${MODELS.v1.file})…`);
    const address = await env.deploy(NAME, spec);
    say(`master serving at http://${address}/v1/predictions; sending ~40 requests/s from test.csv`);
    const traffic = startTraffic(address, 40);
    const summaries = [
      await rollOut(env, MODELS.v2, traffic.stats),
      await rollOut(env, MODELS.v3, traffic.stats),
    ];
    await traffic.stop();
    say(`\n${summaryTable(summaries)}`);
    const statuses = Object.entries(traffic.stats.byStatus)
      .map(([code, n]) => `${code}: ${n}`)
      .join(', ');
    say(
      `\nclient requests: ${traffic.stats.sent} sent (${statuses}; ${traffic.stats.errors} connection errors)`,
    );
    await assessCandidates(plane, new Date(t0));
    say(`demo finished in ${Math.round((Date.now() - t0) / 1000)} s`);
    if (values.keep) {
      say(
        `\nthe environment is still up:\n  export KUBECONFIG=${plane.kubeconfig}\n  kubectl get mdep -n ml\n` +
          `  PATH=$PWD/bin:$PATH kubectl-modelrollout status ${NAME} -n ml   (or 'kubectl modelrollout …' with bin/ on PATH)\n` +
          `  curl -s http://${address}/v1/model\n  Prometheus: ${plane.prometheusUrl}\npress Ctrl-C to stop it`,
      );
      await new Promise(() => undefined);
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  await stopAll();
}

/** Drift reports of the two candidates from the prediction store, as `model-server assess` writes them. */
async function assessCandidates(plane: ControlPlane, from: Date): Promise<void> {
  const dir = path.join(repoRoot, '.tmp', 'reports');
  fs.mkdirSync(dir, { recursive: true });
  say('\ndrift assessment of the stored predictions (model-server assess):');
  for (const model of [MODELS.v2, MODELS.v3]) {
    const a = await runAssessment({
      artifact: path.join(repoRoot, 'model-server/artifacts', model.file),
      variant: 'candidate',
      from: from.toISOString(),
      to: new Date().toISOString(),
      databaseUrl: plane.postgresUrl,
      schema: 'public',
      thresholds: { pValue: 0.01, psi: 0.2 },
    });
    const file = path.join(dir, `${NAME}-${model.version}.html`);
    fs.writeFileSync(file, renderAssessmentHtml(a));
    const shadow = a.shadow
      ? `${a.shadow.pairs} shadow pairs, median |candidate - master| ${(a.shadow.relativeDifference.p50 * 100).toFixed(1)}%`
      : 'no shadow pairs';
    const worst = [...a.features].sort((x, y) => y.psi - x.psi)[0];
    say(
      `  ${model.version}: ${a.rows} stored predictions, ${shadow}, highest input PSI ${worst ? `${worst.feature} ${worst.psi.toFixed(3)}` : 'n/a'}` +
        `\n    report: ${path.relative(process.cwd(), file)}`,
    );
  }
}

main().catch((error: Error) => {
  process.stderr.write(`demo failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
