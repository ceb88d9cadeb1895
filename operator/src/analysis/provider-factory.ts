import type { MetricsProvider, MetricsProviderFactory } from './metrics-provider.js';
import { PrometheusProvider } from './prometheus-provider.js';

/** Options shared by every provider the factory builds. */
export interface ProviderFactoryOptions {
  /** Per-query deadline in milliseconds. */
  timeoutMs?: number;
}

/**
 * Builds MetricsProviders by address and keeps one per address, so ModelDeployments that share
 * a Prometheus share its connection pool. Only Prometheus exists today; another backend would be
 * chosen here from the address scheme or a `provider` field.
 */
export function createMetricsProviderFactory(options: ProviderFactoryOptions = {}): MetricsProviderFactory {
  const providers = new Map<string, MetricsProvider>();
  return (address: string) => {
    let provider = providers.get(address);
    if (!provider) {
      let url: URL;
      try {
        url = new URL(address);
      } catch {
        throw new Error(`spec.analysis.prometheus.address: "${address}" is not a URL`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new Error(`spec.analysis.prometheus.address: scheme ${url.protocol} is not http or https`);
      }
      provider = new PrometheusProvider({ address, timeoutMs: options.timeoutMs });
      providers.set(address, provider);
    }
    return provider;
  };
}
