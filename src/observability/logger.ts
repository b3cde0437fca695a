import pino, { type Logger } from 'pino';
import type { LogLevel } from '../config';

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

export function createLogger(level: LogLevel): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}
