/**
 * The metric names (and label names) the components really export, read from their own
 * registries: the operator's, the model-server's serve and store metrics, the router's. Dashboards
 * and alert rules may only use these, plus the labels the scrape configuration adds.
 */
import { Registry } from 'prom-client';
import { PromOperatorMetrics } from '../../operator/src/metrics/prom-operator-metrics.js';
import { createServeMetrics } from '../../model-server/src/metrics/serve-metrics.js';
import { registerStoreMetrics } from '../../model-server/src/metrics/store-metrics.js';
import { RouterMetrics } from '../../model-server/src/router/metrics.js';

/** Target labels added at scrape time (manifests/prometheus/scrape-config.yml, ServiceMonitor/PodMonitor). */
export const TARGET_LABELS = ['job', 'instance', 'namespace', 'pod', 'modeldeployment', 'variant'];

/** Series Prometheus makes itself. */
const PROMETHEUS_SERIES: Record<string, string[]> = {
  up: [],
  ALERTS: ['alertname', 'alertstate', 'severity'],
};

/** Series name → its label names (without target labels). Histograms give _bucket (with le), _sum, _count. */
export type MetricCatalog = Map<string, Set<string>>;

async function addRegistry(catalog: MetricCatalog, registry: Registry): Promise<void> {
  for (const metric of await registry.getMetricsAsJSON()) {
    const labels = new Set(
      (registry.getSingleMetric(metric.name) as unknown as { labelNames?: string[] }).labelNames ?? [],
    );
    // Default process metrics carry labels only known from their values (e.g. nodejs_gc kind).
    for (const value of (metric as { values?: { labels?: Record<string, unknown> }[] }).values ?? []) {
      for (const label of Object.keys(value.labels ?? {})) labels.add(label);
    }
    const type = String(metric.type);
    if (type === 'histogram') {
      catalog.set(`${metric.name}_bucket`, new Set([...labels, 'le']));
      catalog.set(`${metric.name}_sum`, labels);
      catalog.set(`${metric.name}_count`, labels);
    } else if (type === 'summary') {
      catalog.set(metric.name, new Set([...labels, 'quantile']));
      catalog.set(`${metric.name}_sum`, labels);
      catalog.set(`${metric.name}_count`, labels);
    } else {
      catalog.set(metric.name, labels);
    }
  }
}

let cached: Promise<MetricCatalog> | undefined;

/** Every series name the components export, with its label names. */
export function exportedMetrics(): Promise<MetricCatalog> {
  cached ??= (async () => {
    const catalog: MetricCatalog = new Map(
      Object.entries(PROMETHEUS_SERIES).map(([k, v]) => [k, new Set(v)]),
    );
    await addRegistry(catalog, new PromOperatorMetrics().registry);
    const serveRegistry = new Registry();
    const labels = { model_name: 'house-price', model_version: '0.1.0', variant: 'master' };
    createServeMetrics(serveRegistry, labels);
    registerStoreMetrics(serveRegistry, labels, () => ({
      written: 0,
      journaled: 0,
      replayed: 0,
      dropped: 0,
      queued: 0,
      journalPending: 0,
      databaseUp: true,
    }));
    await addRegistry(catalog, serveRegistry);
    await addRegistry(catalog, new RouterMetrics('house-price').registry);
    return catalog;
  })();
  return cached;
}
