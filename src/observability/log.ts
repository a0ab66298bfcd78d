import { pino, type Logger } from 'pino';

/**
 * Operational log: lifecycle, errors and per-request facts (ids, decision, timing). Never content,
 * never keys: callers pass only such fields, and the redact list is a second line of defence.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'redline' },
    redact: { paths: ['*.api_key', '*.authorization', '*.secret', '*.content', '*.prompt', '*.response', 'headers'], remove: true },
  });
}
export type { Logger };
