import {
  NoDataError,
  ProviderUnreachableError,
  QueryError,
  TooManySeriesError,
  type MetricSample,
  type MetricsProvider,
} from './metrics-provider.js';

/** Settings of one Prometheus endpoint. */
export interface PrometheusProviderOptions {
  /** Base URL, e.g. `http://prometheus.monitoring:9090` (a path prefix is kept). */
  address: string;
  /** Per-query deadline; a query still running then counts as unreachable. Default 10 s. */
  timeoutMs?: number;
}

interface PrometheusResponse {
  status: 'success' | 'error';
  errorType?: string;
  error?: string;
  data?: { resultType: string; result: unknown };
}

type Sample = [number, string];

/** MetricsProvider over the Prometheus HTTP API (`GET /api/v1/query`, instant queries). */
export class PrometheusProvider implements MetricsProvider {
  private readonly queryUrl: string;
  private readonly timeoutMs: number;

  constructor(options: PrometheusProviderOptions) {
    this.queryUrl = `${options.address.replace(/\/+$/, '')}/api/v1/query`;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async queryValue(query: string, signal?: AbortSignal): Promise<number> {
    return (await this.querySample(query, signal)).value;
  }

  async querySample(query: string, signal?: AbortSignal): Promise<MetricSample> {
    const body = await this.fetchJson(query, signal);
    return sampleOf(query, body);
  }

  private async fetchJson(query: string, signal?: AbortSignal): Promise<PrometheusResponse> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.queryUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ query, timeout: `${Math.ceil(this.timeoutMs / 1000)}s` }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      text = await response.text();
    } catch (err) {
      const reason = timeout.aborted ? `timed out after ${this.timeoutMs} ms` : describe(err);
      throw new ProviderUnreachableError(`Prometheus at ${this.queryUrl} unreachable: ${reason}`, query, {
        cause: err,
      });
    }
    let parsed: PrometheusResponse | undefined;
    try {
      parsed = JSON.parse(text) as PrometheusResponse;
    } catch {
      parsed = undefined;
    }
    if (parsed?.status === 'success') return parsed;
    // 503 is Prometheus' own answer for overload/timeouts; other non-JSON answers come from proxies.
    if (!parsed || response.status === 503 || response.status >= 500) {
      const detail = parsed?.error ?? `HTTP ${response.status} ${text.slice(0, 200)}`;
      throw new ProviderUnreachableError(`Prometheus at ${this.queryUrl} unavailable: ${detail}`, query);
    }
    throw new QueryError(
      `Prometheus refused the query (${parsed.errorType ?? response.status}): ${parsed.error}`,
      query,
    );
  }
}

function sampleOf(query: string, body: PrometheusResponse): MetricSample {
  const { resultType, result } = body.data ?? { resultType: 'none', result: null };
  let sample: Sample;
  let labels: Record<string, string> = {};
  if (resultType === 'scalar') {
    sample = result as Sample;
  } else if (resultType === 'vector') {
    const series = result as { metric?: Record<string, string>; value: Sample }[];
    if (series.length === 0) throw new NoDataError('query returned no series', query);
    if (series.length > 1) throw new TooManySeriesError(query, series.length);
    sample = series[0].value;
    labels = series[0].metric ?? {};
  } else {
    throw new QueryError(`query returned a ${resultType}, expected an instant vector or scalar`, query);
  }
  const value = Number(sample[1]);
  if (Number.isNaN(value)) throw new NoDataError('query returned NaN (no samples in the window)', query);
  return { value, labels };
}

function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (err as Error)?.message ?? String(err);
}
