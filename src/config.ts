import { DEFAULT_LIMITS, type QueryLimits } from './graphql/limits';
import { DEFAULT_MAX_DOCUMENT_BYTES } from './graphql/request-errors';
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
  /** The longest GraphQL document accepted, in bytes; longer ones are refused unparsed. */
  maxDocumentBytes: number;
  limits: QueryLimits;
  /**
   * How long an idle keep-alive connection stays open. Above the 60 s idle timeout most load
   * balancers use, so that the balancer, not the gateway, closes an idle connection: otherwise the
   * gateway may close one just as the balancer sends a request on it, and the caller gets a 502.
   */
  keepAliveTimeoutMs: number;
  /**
   * How long a client may take to send a whole request. Node's headers timeout is set a second
   * above the keep-alive timeout, as Node's documentation advises.
   */
  requestTimeoutMs: number;
  /**
   * The origins browsers may call `/graphql` from; null allows every origin (`*`). Credentials
   * are never allowed: the token travels in a header, never in a cookie.
   */
  corsOrigins: string[] | null;
  /** A JSON file of trusted documents (id → document text); null runs any document. */
  persistedDocuments: string | null;
  /** With trusted documents: whether document text is run too (GraphiQL, development). */
  allowArbitraryDocuments: boolean;
  /** Whether `/graphql` answers introspection (`/subgraph` always answers `_service`). */
  introspection: boolean;
  /** A port of its own for `/subgraph`; null serves it beside `/graphql` on PORT. */
  subgraphPort: number | null;
  /** The secret routers send in `X-Subgraph-Secret`; null leaves `/subgraph` open. */
  subgraphSecret: string | null;
  /** The port of `/metrics`, never the API's; null serves no metrics over HTTP. */
  metricsPort: number | null;
  logLevel: LogLevel;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Named defaults of the settings below that README.md explains. */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 65_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;
/** Node's headers timeout, this much above the keep-alive timeout. */
export const HEADERS_TIMEOUT_MARGIN_MS = 1_000;
/** The shortest SUBGRAPH_SECRET accepted: a short one could be guessed. */
const MIN_SECRET_LENGTH = 16;

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

function flag(env: Env, name: string, fallback: boolean, problems: string[]): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  problems.push(`${name} must be true or false, not "${raw}"`);
  return fallback;
}

/** CORS_ORIGINS: comma-separated origins such as `https://app.example.com`; unset or `*` for all. */
function origins(env: Env, problems: string[]): string[] | null {
  const raw = env.CORS_ORIGINS?.trim();
  if (raw === undefined || raw === '' || raw === '*') return null;
  const list = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const entry of list) {
    let origin: string | null = null;
    try {
      origin = new URL(entry).origin;
    } catch {
      // reported below
    }
    if (origin !== entry) {
      problems.push(
        `CORS_ORIGINS must list origins like https://app.example.com (scheme, host, port; no path), not "${entry}"`,
      );
    }
  }
  return list;
}

function secret(env: Env, problems: string[]): string | null {
  const raw = env.SUBGRAPH_SECRET;
  if (raw === undefined || raw === '') return null;
  // It travels as a header value: printable ASCII without spaces.
  if (raw.length < MIN_SECRET_LENGTH || !/^[\x21-\x7e]+$/.test(raw)) {
    problems.push(
      `SUBGRAPH_SECRET must be at least ${MIN_SECRET_LENGTH} printable ASCII characters without spaces`,
    );
    return null;
  }
  return raw;
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
    maxDocumentBytes: integer(
      env,
      'MAX_DOCUMENT_BYTES',
      DEFAULT_MAX_DOCUMENT_BYTES,
      100,
      10_000_000,
      problems,
    ),
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
      // Suggestions ("Did you mean …?") reveal the schema that switched-off introspection hides.
      blockFieldSuggestions: env.NODE_ENV === 'production' || env.INTROSPECTION === 'false',
    },
    keepAliveTimeoutMs: integer(
      env,
      'KEEP_ALIVE_TIMEOUT_MS',
      DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
      1_000,
      3_600_000,
      problems,
    ),
    requestTimeoutMs: integer(
      env,
      'REQUEST_TIMEOUT_MS',
      DEFAULT_REQUEST_TIMEOUT_MS,
      1_000,
      3_600_000,
      problems,
    ),
    corsOrigins: origins(env, problems),
    persistedDocuments: env.PERSISTED_DOCUMENTS || null,
    allowArbitraryDocuments: flag(env, 'ALLOW_ARBITRARY_DOCUMENTS', false, problems),
    introspection: flag(env, 'INTROSPECTION', true, problems),
    subgraphPort:
      env.SUBGRAPH_PORT === undefined || env.SUBGRAPH_PORT === ''
        ? null
        : integer(env, 'SUBGRAPH_PORT', 0, 0, 65535, problems),
    subgraphSecret: secret(env, problems),
    metricsPort:
      env.METRICS_PORT === undefined || env.METRICS_PORT === ''
        ? null
        : integer(env, 'METRICS_PORT', 0, 0, 65535, problems),
    logLevel,
  };
  // Node refuses a headers timeout longer than the request timeout.
  const headersTimeoutMs = config.keepAliveTimeoutMs + HEADERS_TIMEOUT_MARGIN_MS;
  if (config.requestTimeoutMs < headersTimeoutMs) {
    problems.push(
      `REQUEST_TIMEOUT_MS must be at least KEEP_ALIVE_TIMEOUT_MS + ${HEADERS_TIMEOUT_MARGIN_MS} (${headersTimeoutMs}), not ${config.requestTimeoutMs}`,
    );
  }
  if (
    config.subgraphPort !== null &&
    config.subgraphPort !== 0 &&
    config.subgraphPort === config.port
  ) {
    problems.push(`SUBGRAPH_PORT must differ from PORT (${config.port})`);
  }
  if (config.metricsPort !== null && config.metricsPort !== 0) {
    if (config.metricsPort === config.port || config.metricsPort === config.subgraphPort) {
      problems.push(`METRICS_PORT must differ from PORT and SUBGRAPH_PORT (${config.metricsPort})`);
    }
  }
  // Trusted documents close /graphql to document text; an open /subgraph beside it on the
  // public port would run any text all the same.
  if (config.persistedDocuments && config.subgraphPort === null && config.subgraphSecret === null) {
    problems.push(
      'PERSISTED_DOCUMENTS runs only trusted documents on /graphql, but /subgraph on PORT would run any document: set SUBGRAPH_SECRET (routers send it), or SUBGRAPH_PORT to serve /subgraph on a port the public cannot reach',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
