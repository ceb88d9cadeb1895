import type { FastifyInstance } from 'fastify';
import type { PredictionSink } from '../store/types.js';
import type { ServeState } from './app.js';

/** What a graceful stop acts on. */
export interface ShutdownTargets {
  app: FastifyInstance;
  sink: PredictionSink;
  state: ServeState;
  /** Time to keep serving with readiness failed, so endpoints drop this pod before it stops. */
  delayMs: number;
  /** Hard limit for the whole sequence. */
  timeoutMs: number;
}

/**
 * Graceful stop: fail readiness, wait `delayMs`, stop accepting and finish in-flight requests,
 * then flush the prediction writer (to the database, or the journal). Resolves to the exit code:
 * 0 when everything completed, 1 when the time limit was hit first.
 */
export async function shutDown(targets: ShutdownTargets): Promise<number> {
  const { app, sink, state } = targets;
  state.draining = true;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<number>((resolve) => {
    timer = setTimeout(() => resolve(1), targets.timeoutMs);
  });
  const sequence = (async () => {
    if (targets.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, targets.delayMs));
    await app.close();
    await sink.close();
    return 0;
  })();
  try {
    const code = await Promise.race([sequence, expired]);
    if (code !== 0) app.log.error({ timeoutMs: targets.timeoutMs }, 'shutdown did not finish in time');
    return code;
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves with the name of the first of `signals` the process receives. */
export function nextSignal(signals: readonly NodeJS.Signals[]): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handlers = signals.map((signal) => {
      const handler = () => {
        signals.forEach((other, i) => process.off(other, handlers[i]));
        resolve(signal);
      };
      process.on(signal, handler);
      return handler;
    });
  });
}
