import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. The caller's token is a secret: every place a token could appear in a
 * logged object is redacted, should one ever be logged by mistake.
 */
export const REDACTED_PATHS = [
  'token',
  '*.token',
  'headers["x-auth-token"]',
  'headers.authorization',
  '*.headers["x-auth-token"]',
  '*.headers.authorization',
  'req.headers["x-auth-token"]',
  'req.headers.authorization',
];

/** pino's levels; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function createLogger(level: LogLevel): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}
