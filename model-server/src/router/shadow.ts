/**
 * Shadow traffic: copies of master-answered requests sent to the candidate in the background,
 * then compared record by record with master's answer. The client never waits for any of it.
 */
import type { Logger } from 'pino';
import { comparePredictions, readPredictions } from './comparison.js';
import type { RouterMetrics, ShadowErrorReason } from './metrics.js';
import type { RoutesConfig } from './routes-config.js';
import { UpstreamError, type UpstreamClient, type UpstreamResponse } from './upstream.js';

/** Header added to mirrored copies so the candidate can tell them from live traffic. */
export const MIRROR_HEADER = 'x-model-shadow';

/** Limits of the shadow mirror. */
export interface ShadowMirrorOptions {
  /** Mirrored requests awaiting the candidate at once; beyond it copies are dropped and counted. */
  maxInFlight: number;
  /** Deadline of a mirrored call. */
  timeoutMs: number;
}

/** The request to copy. */
export interface MirroredRequest {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** Sends bounded background copies to the candidate and records the paired comparison. */
export class ShadowMirror {
  private inFlightCount = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly inFlightGauge: { inc(): void; dec(): void };
  private readonly sentCounter: { inc(): void };
  private readonly droppedCounter: { inc(): void };

  constructor(
    private readonly upstream: UpstreamClient,
    private readonly metrics: RouterMetrics,
    private readonly log: Logger,
    private readonly options: ShadowMirrorOptions,
  ) {
    const model_name = metrics.modelName;
    this.inFlightGauge = metrics.mirrorInFlight.labels({ model_name });
    this.sentCounter = metrics.mirrorsSent.labels({ model_name });
    this.droppedCounter = metrics.mirrorsDropped.labels({ model_name, reason: 'capacity' });
  }

  /** Mirrored calls not yet answered. */
  get inFlight(): number {
    return this.inFlightCount;
  }

  /**
   * Copies `request` to the config's candidate unless the in-flight cap is reached (then the
   * copy is dropped and counted). Returns at once; `masterAnswer` is the live call to master,
   * whose rejection is handled here too.
   */
  mirror(config: RoutesConfig, request: MirroredRequest, masterAnswer: Promise<UpstreamResponse>): boolean {
    const candidate = config.candidate;
    if (!candidate) return false;
    if (this.inFlightCount >= this.options.maxInFlight) {
      this.droppedCounter.inc();
      masterAnswer.catch(() => undefined);
      return false;
    }
    this.inFlightCount++;
    this.inFlightGauge.inc();
    this.sentCounter.inc();
    const started = performance.now();
    const candidateAnswer = this.upstream
      .send({
        baseUrl: candidate.url,
        path: request.path,
        method: 'POST',
        headers: { ...request.headers, [MIRROR_HEADER]: 'true' },
        body: request.body,
        timeoutMs: this.options.timeoutMs,
      })
      .finally(() => {
        this.metrics.observeUpstream(
          'candidate',
          candidate.version,
          'mirror',
          (performance.now() - started) / 1000,
        );
        this.inFlightCount--;
        this.inFlightGauge.dec();
        if (this.inFlightCount === 0) this.idleWaiters.splice(0).forEach((wake) => wake());
      });
    void Promise.allSettled([masterAnswer, candidateAnswer]).then(([m, c]) =>
      setImmediate(() => this.record(config, m, c)),
    );
    return true;
  }

  /** Resolves when no mirrored call is in flight, or after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    if (this.inFlightCount === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private record(
    config: RoutesConfig,
    master: PromiseSettledResult<UpstreamResponse>,
    candidate: PromiseSettledResult<UpstreamResponse>,
  ): void {
    const pair = this.metrics.shadowPair(config.master.version, config.candidate?.version ?? '');
    const candidateError = (reason: ShadowErrorReason, detail: string) => {
      pair.error(reason);
      this.log.debug({ reason, detail }, 'mirrored request failed on the candidate');
    };
    if (candidate.status === 'rejected') {
      const err = candidate.reason as Error;
      candidateError(err instanceof UpstreamError ? err.failure : 'connect', err.message);
      return;
    }
    if (master.status === 'rejected' || !isSuccess(master.value.status)) {
      pair.skipped.inc();
      return;
    }
    if (!isSuccess(candidate.value.status)) {
      candidateError('status', `candidate answered ${candidate.value.status}`);
      return;
    }
    const masterPredictions = readPredictions(master.value.body.toString('utf8'));
    if (masterPredictions instanceof Error) {
      pair.skipped.inc();
      return;
    }
    const candidatePredictions = readPredictions(candidate.value.body.toString('utf8'));
    if (candidatePredictions instanceof Error) {
      candidateError('invalid', candidatePredictions.message);
      return;
    }
    const comparison = comparePredictions(masterPredictions, candidatePredictions, config.shadowTolerance);
    if (comparison instanceof Error) {
      candidateError('invalid', comparison.message);
      return;
    }
    for (const d of comparison.relativeDifferences) pair.difference.observe(d);
    pair.compared.inc(comparison.compared);
    pair.mismatched.inc(comparison.mismatched);
  }
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}
