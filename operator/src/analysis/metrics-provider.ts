/**
 * A source of metric values the analysis queries (Prometheus today). Implementations throw the
 * named errors below so callers can tell "no data yet" from "provider down" from "bad query".
 */
export interface MetricsProvider {
  /**
   * Runs an instant query expected to yield exactly one value and returns it.
   * @throws NoDataError when the result is empty or NaN (e.g. a ratio over zero requests)
   * @throws TooManySeriesError when the result has more than one series
   * @throws ProviderUnreachableError when the provider cannot be reached or timed out
   * @throws QueryError when the provider refused or failed to run the query
   */
  queryValue(query: string, signal?: AbortSignal): Promise<number>;
  /** Like `queryValue`, with the labels of the series the value came from (empty for a scalar). */
  querySample(query: string, signal?: AbortSignal): Promise<MetricSample>;
}

/** One value of an instant query and the labels of its series. */
export interface MetricSample {
  value: number;
  labels: Readonly<Record<string, string>>;
}

/** Base class of every error a MetricsProvider throws. */
export class MetricsProviderError extends Error {
  constructor(
    message: string,
    /** The query that failed. */
    readonly query: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The query returned no series, or only NaN. */
export class NoDataError extends MetricsProviderError {}

/** The query returned several series where one was expected (a selector or `sum` is missing). */
export class TooManySeriesError extends MetricsProviderError {
  constructor(
    query: string,
    /** How many series came back. */
    readonly seriesCount: number,
  ) {
    super(`query returned ${seriesCount} series, expected 1`, query);
  }
}

/** The provider did not answer (connection refused, DNS failure, timeout, 5xx from a proxy). */
export class ProviderUnreachableError extends MetricsProviderError {}

/** The provider answered with an error for this query (syntax error, execution error). */
export class QueryError extends MetricsProviderError {}

/** Builds the provider for one analysis address (`spec.analysis.prometheus.address`). */
export type MetricsProviderFactory = (address: string) => MetricsProvider;
