import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogConfig } from '../config/serve-config.js';

/**
 * The JSON logger of `serve`: one object per line, string levels and ISO times (what ELK and
 * Loki parse without extra rules), with the configured paths redacted. By default it writes to
 * stdout asynchronously: a slow log reader must not stall requests, and lines written while a
 * write is pending go out together. Call `flush()` before exiting.
 */
export function createLogger(
  config: LogConfig,
  destination: DestinationStream = pino.destination({ dest: 1, sync: false }),
): Logger {
  return pino(
    {
      level: config.level,
      base: { service: 'model-server' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: config.redact.length > 0 ? { paths: config.redact, censor: '[redacted]' } : undefined,
    },
    destination,
  );
}
