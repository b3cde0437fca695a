import { DEFAULT_LIMITS, type QueryLimits } from './graphql/limits';
import { DEFAULT_POLICY } from './swr/policy';

/**
 * The gateway's configuration: the environment, read once, validated, and turned into one
 * typed object. Every setting has a name, a default and a reason here; README.md lists them.
 */

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

export interface Config {
  /**
   * SWR's base URL, for example `https://swr-api.eu-de.otc.t-systems.com`. Null runs the
   * embedded sandbox in the same process and points the gateway at it.
   */
  swrEndpoint: string | null;
  /** The HTTP port of the gateway. */
  port: number;
  /** The address to listen on. */
  host: string;
  /** How long one upstream request may take to connect, to send its headers, and its body. */
  swrTimeoutMs: number;
  /** The most keep-alive connections open to SWR at once. */
  swrMaxConnections: number;
  /** The most upstream requests one GraphQL request has in flight at once. */
  upstreamConcurrencyPerRequest: number;
  /** How long one GraphQL request may spend on SWR, retries and backoff included. */
  requestDeadlineMs: number;
  /** Retries of a failed idempotent upstream request at most. */
  swrMaxRetries: number;
  /** Consecutive upstream failures that open the circuit. */
  circuitFailureThreshold: number;
  /** How long the open circuit fails requests fast before it lets a trial through. */
  circuitOpenMs: number;
  /** The largest request body accepted; larger ones get 413. */
  maxBodyBytes: number;
  limits: QueryLimits;
  logLevel: LogLevel;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** A whole number from the environment in [min, max]; `fallback` when unset or empty. */
export function integer(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
    return fallback;
  }
  return value;
}

function endpoint(env: Env, problems: string[]): string | null {
  const raw = env.SWR_ENDPOINT;
  if (raw === undefined || raw === '') return null;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('protocol');
    if (url.search || url.hash || url.username || url.password) throw new Error('extras');
    return url.href.replace(/\/+$/, '');
  } catch {
    problems.push(`SWR_ENDPOINT must be an http(s) URL without query or credentials, not "${raw}"`);
    return null;
  }
}

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const logLevel = (env.LOG_LEVEL ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "${logLevel}"`);
  }
  const config: Config = {
    swrEndpoint: endpoint(env, problems),
    port: integer(env, 'PORT', 4000, 0, 65535, problems),
    host: env.HOST ?? '0.0.0.0',
    swrTimeoutMs: integer(env, 'SWR_TIMEOUT_MS', 10_000, 1, 600_000, problems),
    swrMaxConnections: integer(env, 'SWR_MAX_CONNECTIONS', 64, 1, 10_000, problems),
    upstreamConcurrencyPerRequest: integer(env, 'UPSTREAM_CONCURRENCY', 16, 1, 100, problems),
    requestDeadlineMs: integer(env, 'REQUEST_DEADLINE_MS', 30_000, 100, 600_000, problems),
    swrMaxRetries: integer(env, 'SWR_MAX_RETRIES', DEFAULT_POLICY.maxRetries, 0, 5, problems),
    circuitFailureThreshold: integer(
      env,
      'SWR_CIRCUIT_THRESHOLD',
      DEFAULT_POLICY.failureThreshold,
      1,
      1000,
      problems,
    ),
    circuitOpenMs: integer(
      env,
      'SWR_CIRCUIT_OPEN_MS',
      DEFAULT_POLICY.openMs,
      100,
      600_000,
      problems,
    ),
    maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 1_000_000, 1_000, 100_000_000, problems),
    limits: {
      maxDepth: integer(env, 'MAX_DEPTH', DEFAULT_LIMITS.maxDepth, 1, 100, problems),
      maxAliases: integer(env, 'MAX_ALIASES', DEFAULT_LIMITS.maxAliases, 1, 1000, problems),
      maxTokens: integer(env, 'MAX_TOKENS', DEFAULT_LIMITS.maxTokens, 10, 100_000, problems),
      maxDirectives: integer(
        env,
        'MAX_DIRECTIVES',
        DEFAULT_LIMITS.maxDirectives,
        1,
        1000,
        problems,
      ),
      maxUpstreamRequests: integer(
        env,
        'MAX_UPSTREAM_REQUESTS',
        DEFAULT_LIMITS.maxUpstreamRequests,
        1,
        10_000,
        problems,
      ),
      maxUpstreamAttempts: integer(
        env,
        'MAX_UPSTREAM_ATTEMPTS',
        DEFAULT_LIMITS.maxUpstreamAttempts,
        1,
        100_000,
        problems,
      ),
      maxNodes: integer(env, 'MAX_NODES', DEFAULT_LIMITS.maxNodes, 1, 1_000_000, problems),
      blockFieldSuggestions: env.NODE_ENV === 'production',
    },
    logLevel,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
