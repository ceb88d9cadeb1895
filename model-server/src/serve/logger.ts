import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogConfig } from '../config/serve-config.js';

/**
 * The JSON logger of `serve`: one object per line, string levels and ISO times (what ELK and
 * Loki parse without extra rules), with the configured paths redacted.
 */
export function createLogger(config: LogConfig, destination?: DestinationStream): Logger {
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
