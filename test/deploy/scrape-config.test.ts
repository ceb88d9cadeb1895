/**
 * manifests/prometheus/scrape-config.yml with a real Prometheus. Debian's Prometheus is built
 * without Kubernetes service discovery, so the test feeds the same `__meta_kubernetes_*` labels
 * through file-based discovery: the relabelling under test is the file's own, unchanged.
 * The targets are real servers exporting the real model-server and operator metrics.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { Registry } from 'prom-client';
import { parse, stringify } from 'yaml';
import { createServeMetrics } from '../../model-server/src/metrics/serve-metrics.js';
import { PromOperatorMetrics } from '../../operator/src/metrics/prom-operator-metrics.js';
import { freePort, promQuery, startProcess, waitFor, type ManagedProcess } from '../cluster/index.js';
import { waitHealthy } from '../cluster/http-probe.js';
import { MANIFESTS, parseObjects, run } from './helpers.js';

const SCRAPE_CONFIG = path.join(MANIFESTS, 'prometheus/scrape-config.yml');

interface ScrapeJob {
  job_name: string;
  kubernetes_sd_configs?: unknown[];
  file_sd_configs?: unknown[];
  [key: string]: unknown;
}

/** The job of scrape-config.yml with its Kubernetes discovery replaced by file discovery of `sdFile`. */
function jobWithFileDiscovery(sdFile: string, interval = '1s'): ScrapeJob {
  const { scrape_configs } = parse(fs.readFileSync(SCRAPE_CONFIG, 'utf8')) as { scrape_configs: ScrapeJob[] };
  const [job] = scrape_configs;
  const { kubernetes_sd_configs, ...rest } = job;
  if (!kubernetes_sd_configs) throw new Error('scrape-config.yml: the job has no kubernetes_sd_configs');
  return {
    ...rest,
    scrape_interval: interval,
    scrape_timeout: interval,
    file_sd_configs: [{ files: [sdFile], refresh_interval: '1s' }],
  };
}

/** A pod as Kubernetes service discovery describes it. */
function podTarget(opts: {
  namespace: string;
  pod: string;
  phase?: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
}) {
  const meta: Record<string, string> = {
    __meta_kubernetes_namespace: opts.namespace,
    __meta_kubernetes_pod_name: opts.pod,
    __meta_kubernetes_pod_ip: '127.0.0.1',
    __meta_kubernetes_pod_phase: opts.phase ?? 'Running',
  };
  const sanitize = (key: string) => key.replace(/[^a-zA-Z0-9_]/g, '_');
  for (const [k, v] of Object.entries(opts.annotations ?? {}))
    meta[`__meta_kubernetes_pod_annotation_${sanitize(k)}`] = v;
  for (const [k, v] of Object.entries(opts.labels ?? {}))
    meta[`__meta_kubernetes_pod_label_${sanitize(k)}`] = v;
  // Discovery reports the container port; the annotation's port must win.
  return { targets: ['127.0.0.1:1'], labels: meta };
}

function metricsServer(registry: Registry): Promise<http.Server> {
  const server = http.createServer((_req, res) => {
    void registry.metrics().then((body) => {
      res.setHeader('content-type', registry.contentType);
      res.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test('promtool accepts the scrape job (with file discovery standing in for Kubernetes discovery)', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scrape-check-'));
  try {
    const file = path.join(dir, 'prometheus.yml');
    fs.writeFileSync(path.join(dir, 'targets.json'), '[]');
    fs.writeFileSync(
      file,
      stringify({ scrape_configs: [jobWithFileDiscovery(path.join(dir, 'targets.json'))] }),
    );
    const result = await run('promtool', ['check', 'config', file]);
    t.is(result.code, 0, result.stdout + result.stderr);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the PodMonitor relabels the same pod labels as the scrape job', (t) => {
  const [monitor] = parseObjects(fs.readFileSync(path.join(MANIFESTS, 'prometheus/podmonitor.yaml'), 'utf8'));
  const endpoint = (
    monitor.spec as { podMetricsEndpoints: { port: string; honorLabels: boolean; relabelings: object[] }[] }
  ).podMetricsEndpoints[0];
  t.true(endpoint.honorLabels);
  t.is(endpoint.port, 'http');
  const job = jobWithFileDiscovery('x.json') as unknown as {
    relabel_configs: { source_labels: string[]; target_label: string }[];
  };
  const fromJob = job.relabel_configs
    .filter((r) => r.target_label === 'modeldeployment' || r.target_label === 'variant')
    .map((r) => ({ sourceLabels: r.source_labels, targetLabel: r.target_label }));
  t.deepEqual(endpoint.relabelings, fromJob);
});

test('a real Prometheus scrapes annotated pods with the namespace, pod, modeldeployment and variant labels', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scrape-live-'));
  const serveRegistry = new Registry();
  const serve = createServeMetrics(
    serveRegistry,
    { model_name: 'hp', model_version: '0.2.0', variant: 'candidate' },
    false,
  );
  serve.observeRequest('POST', '/v1/predictions', 200, 0.004);
  const operator = new PromOperatorMetrics({ processMetrics: false });
  operator.recordPhase('ml/hp', 'Canary');
  const servers = [await metricsServer(serveRegistry), await metricsServer(operator.registry)];
  const [servePort, operatorPort] = servers.map((s) => (s.address() as AddressInfo).port);
  let proc: ManagedProcess | undefined;
  try {
    const scrape = { 'prometheus.io/scrape': 'true', 'prometheus.io/path': '/metrics' };
    const modelLabels = { 'modelrollout.io/modeldeployment': 'hp', 'modelrollout.io/variant': 'candidate' };
    const targets = [
      podTarget({
        namespace: 'ml',
        pod: 'hp-candidate-7d9f',
        annotations: { ...scrape, 'prometheus.io/port': String(servePort) },
        labels: { ...modelLabels, 'app.kubernetes.io/name': 'hp' },
      }),
      // The operator: its series name the ModelDeployment's namespace, which honor_labels keeps.
      podTarget({
        namespace: 'modelrollout-system',
        pod: 'modelrollout-5c7b',
        annotations: { ...scrape, 'prometheus.io/port': String(operatorPort) },
        labels: { 'app.kubernetes.io/name': 'modelrollout' },
      }),
      // Not annotated, or not running: never scraped.
      podTarget({ namespace: 'ml', pod: 'plain', labels: modelLabels }),
      podTarget({
        namespace: 'ml',
        pod: 'hp-candidate-old',
        phase: 'Succeeded',
        annotations: { ...scrape, 'prometheus.io/port': String(servePort) },
        labels: modelLabels,
      }),
    ];
    const sdFile = path.join(dir, 'targets.json');
    fs.writeFileSync(sdFile, JSON.stringify(targets));
    fs.writeFileSync(
      path.join(dir, 'prometheus.yml'),
      stringify({ global: { scrape_interval: '1s' }, scrape_configs: [jobWithFileDiscovery(sdFile)] }),
    );
    const port = await freePort();
    proc = startProcess({
      name: 'prometheus-scrape-test',
      dir,
      command: 'prometheus',
      args: [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
    });
    await waitHealthy('prometheus', `http://127.0.0.1:${port}/-/ready`, proc.exited, {
      logFile: proc.logFile,
    });
    const url = `http://127.0.0.1:${port}`;

    const series = await waitFor(
      'the model-server series',
      async () => {
        const result = await promQuery(url, 'model_version_details_info');
        return result.length > 0 ? result : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    t.is(series.length, 1);
    t.like(series[0].metric, {
      job: 'modelrollout',
      namespace: 'ml',
      pod: 'hp-candidate-7d9f',
      modeldeployment: 'hp',
      variant: 'candidate',
      model_version: '0.2.0',
      instance: `127.0.0.1:${servePort}`,
    });
    const requests = await promQuery(
      url,
      'http_request_count_total{modeldeployment="hp", endpoint="/v1/predictions"}',
    );
    t.is(requests[0]?.value[1], '1');

    const phase = await waitFor('the operator series', async () => {
      const result = await promQuery(url, 'modelrollout_phase{phase="Canary"}');
      return result.length > 0 ? result : undefined;
    });
    t.like(phase[0].metric, { namespace: 'ml', name: 'hp', pod: 'modelrollout-5c7b' });
    t.is(phase[0].value[1], '1');

    const up = await promQuery(url, 'up');
    t.deepEqual(up.map((s) => s.metric.pod).sort(), ['hp-candidate-7d9f', 'modelrollout-5c7b']);
  } finally {
    await proc?.stop('SIGTERM', 10_000);
    for (const server of servers) server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
