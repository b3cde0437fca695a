import { ConfigError } from './config-error';
import {
  MIN_SECRET_LENGTH,
  endpoint,
  flag,
  integer,
  oneOf,
  origins,
  secret,
  text,
  whole,
  type Env,
  type Parse,
} from './config-parsers';
import { DEFAULT_LIMITS, type QueryLimits } from './graphql/limits';
import { DEFAULT_MAX_DOCUMENT_BYTES } from './graphql/request-errors';
import { HEADERS_TIMEOUT_MARGIN_MS } from './http/server';
import { LOG_LEVELS, type LogLevel } from './observability/logger';
import { SANDBOX_FLAVORS, type SandboxFlavor } from './sandbox/flavors';
import { DEFAULT_MAX_BODY_BYTES } from './swr/client';
import { DEFAULT_POLICY } from './swr/policy';
import {
  DEFAULT_VARIANTS,
  REPOSITORY_MATCHES,
  REPOSITORY_TIME_COLUMNS,
  TAG_NAME_ORDERS,
  type ServerVariants,
} from './swr/variants';

/**
 * The gateway's configuration: the environment, read once, validated, and turned into one
 * typed object. Every setting is defined once, in SETTINGS: its variable, its default, how its
 * value is read and what it does. loadConfig reads them, and the README's table is checked
 * against them (test/unit/config-table.test.ts).
 */

export { ConfigError, integer, oneOf };
export type { LogLevel };

export type { Env, Parse };

export interface Setting<T> {
  /** The environment variable. */
  readonly name: string;
  /** The value when the variable is unset or empty. */
  readonly default: T;
  /** The default as the documentation shows it, where the value alone would not say it. */
  readonly shownDefault?: string;
  readonly parse: Parse<T>;
  /** What it does, as the README's table says it (Markdown). */
  readonly description: string;
}

export { HEADERS_TIMEOUT_MARGIN_MS };
const logLevel: Parse<LogLevel> = (raw, name, problems) => {
  const level = LOG_LEVELS.find((known) => known === raw);
  if (level === undefined) {
    problems.push(`${name} must be one of ${LOG_LEVELS.join(', ')}, not "${raw}"`);
  }
  return level ?? 'info';
};

/** A setting, typed by its default and its parser together. */
function setting<T>(definition: Setting<T>): Setting<T> {
  return definition;
}

/** Every setting of the gateway, in the order the README's table lists them. */
export const SETTINGS = {
  swrEndpoint: setting({
    name: 'SWR_ENDPOINT',
    default: null,
    shownDefault: 'unset: embedded sandbox',
    parse: endpoint,
    description:
      "SWR's API base URL, for example `https://swr-api.eu-de.otc.t-systems.com`; unset runs the embedded sandbox in the same process.",
  }),
  port: setting({
    name: 'PORT',
    default: 4000,
    parse: whole(0, 65535),
    description:
      'HTTP port of `/graphql` (and of `/subgraph` without `SUBGRAPH_PORT`); `0` picks a free one.',
  }),
  host: setting<string>({
    name: 'HOST',
    default: '0.0.0.0',
    parse: (raw) => raw,
    description: 'Address to listen on.',
  }),
  swrTimeoutMs: setting({
    name: 'SWR_TIMEOUT_MS',
    default: 10_000,
    parse: whole(1, 600_000),
    description: 'Limit for connecting to SWR, for its response headers, and between body chunks.',
  }),
  swrMaxConnections: setting({
    name: 'SWR_MAX_CONNECTIONS',
    default: 64,
    parse: whole(1, 10_000),
    description: 'Keep-alive connections to SWR at most.',
  }),
  swrMaxRetries: setting({
    name: 'SWR_MAX_RETRIES',
    default: DEFAULT_POLICY.maxRetries,
    parse: whole(0, 5),
    description: 'Retries of a failed GET at most.',
  }),
  circuitFailureThreshold: setting({
    name: 'SWR_CIRCUIT_THRESHOLD',
    default: DEFAULT_POLICY.failureThreshold,
    parse: whole(1, 1000),
    description: 'Consecutive upstream faults that open the circuit.',
  }),
  circuitOpenMs: setting({
    name: 'SWR_CIRCUIT_OPEN_MS',
    default: DEFAULT_POLICY.openMs,
    parse: whole(100, 600_000),
    description:
      'How long the open circuit fails requests fast before it lets a trial request through.',
  }),
  swrMaxBodyBytes: setting({
    name: 'SWR_MAX_BODY_BYTES',
    default: DEFAULT_MAX_BODY_BYTES,
    parse: whole(1_000, 1_000_000_000),
    description: 'Largest body read from SWR; a larger one is an upstream error, read no further.',
  }),
  repositoryMatch: setting({
    name: 'SWR_REPOSITORY_MATCH',
    default: DEFAULT_VARIANTS.repositoryMatch,
    parse: oneOf(REPOSITORY_MATCHES),
    description:
      "How SWR's repository list matches an organization: `fuzzy` reads it whole and keeps that organization's repositories; `exact` trusts SWR's paging and checks every record ([docs/upstream.md](docs/upstream.md)).",
  }),
  tagNameOrder: setting({
    name: 'SWR_TAG_NAME_ORDER',
    default: DEFAULT_VARIANTS.tagNameOrder,
    parse: oneOf(TAG_NAME_ORDERS),
    description:
      "Where the tags' `NAME` order comes from: `detect` sorts in the gateway until SWR proves it keeps the order; `server` asks SWR (a coded error when it cannot); `local` always sorts in the gateway.",
  }),
  repositoryTimeColumn: setting({
    name: 'SWR_REPOSITORY_TIME_COLUMN',
    default: DEFAULT_VARIANTS.repositoryTimeColumn,
    parse: oneOf(REPOSITORY_TIME_COLUMNS),
    description:
      "The repository list's time column: `updated_time`, `updated_at`, or `detect` (the first, then the second after a 400).",
  }),
  wholeListMaxItems: setting({
    name: 'SWR_WHOLE_LIST_MAX_ITEMS',
    default: DEFAULT_VARIANTS.wholeListMaxItems,
    parse: whole(1_000, 1_000_000),
    description:
      'The longest list the gateway reads whole to filter or sort it itself; a longer one is a coded error.',
  }),
  sandboxFlavor: setting<SandboxFlavor>({
    name: 'SANDBOX_FLAVOR',
    default: 'reference',
    parse: oneOf(SANDBOX_FLAVORS),
    description: `Which SWR server the embedded sandbox plays: ${SANDBOX_FLAVORS.map((flavor) => `\`${flavor}\``).join(', ')}.`,
  }),
  upstreamConcurrencyPerRequest: setting({
    name: 'UPSTREAM_CONCURRENCY',
    default: 16,
    parse: whole(1, 100),
    description: 'Upstream requests one GraphQL request may have in flight.',
  }),
  requestDeadlineMs: setting({
    name: 'REQUEST_DEADLINE_MS',
    default: 30_000,
    parse: whole(100, 600_000),
    description: 'How long one GraphQL request may spend on SWR, retries and backoff included.',
  }),
  maxBodyBytes: setting({
    name: 'MAX_BODY_BYTES',
    default: 1_000_000,
    parse: whole(1_000, 100_000_000),
    description:
      'Largest request body: 413 beyond it, by `Content-Length` or, for a chunked body, while reading.',
  }),
  maxDocumentBytes: setting({
    name: 'MAX_DOCUMENT_BYTES',
    default: DEFAULT_MAX_DOCUMENT_BYTES,
    parse: whole(100, 10_000_000),
    description:
      'Longest GraphQL document, in bytes: a longer one is refused with 413 `DOCUMENT_TOO_LARGE` before it is parsed.',
  }),
  maxDepth: setting({
    name: 'MAX_DEPTH',
    default: DEFAULT_LIMITS.maxDepth,
    parse: whole(1, 100),
    description: 'Deepest selection accepted.',
  }),
  maxAliases: setting({
    name: 'MAX_ALIASES',
    default: DEFAULT_LIMITS.maxAliases,
    parse: whole(1, 1000),
    description: 'Aliases per query at most.',
  }),
  maxTokens: setting({
    name: 'MAX_TOKENS',
    default: DEFAULT_LIMITS.maxTokens,
    parse: whole(10, 100_000),
    description: 'Tokens per query document at most.',
  }),
  maxDirectives: setting({
    name: 'MAX_DIRECTIVES',
    default: DEFAULT_LIMITS.maxDirectives,
    parse: whole(1, 1000),
    description: 'Directives per query at most.',
  }),
  maxUpstreamRequests: setting({
    name: 'MAX_UPSTREAM_REQUESTS',
    default: DEFAULT_LIMITS.maxUpstreamRequests,
    parse: whole(1, 10_000),
    description: 'SWR requests one query may need, counted before execution.',
  }),
  maxNodes: setting({
    name: 'MAX_NODES',
    default: DEFAULT_LIMITS.maxNodes,
    parse: whole(1, 1_000_000),
    description: 'Tags and repositories one query may return, counted the same way.',
  }),
  maxUpstreamAttempts: setting({
    name: 'MAX_UPSTREAM_ATTEMPTS',
    default: DEFAULT_LIMITS.maxUpstreamAttempts,
    parse: whole(1, 100_000),
    description:
      'SWR requests one query may make while it runs, retries included; further ones fail with `QUERY_TOO_EXPENSIVE`.',
  }),
  versionOrderMaxTags: setting({
    name: 'VERSION_ORDER_MAX_TAGS',
    default: DEFAULT_LIMITS.versionOrderMaxTags,
    parse: whole(1, 100_000),
    description:
      'The longest tag list ordered by `VERSION`: the gateway reads such a list whole to sort it; a longer one is refused with `QUERY_TOO_EXPENSIVE`.',
  }),
  persistedDocuments: setting({
    name: 'PERSISTED_DOCUMENTS',
    default: null,
    shownDefault: 'unset: any document',
    parse: text,
    description:
      'A JSON manifest of trusted documents (id → text); `/graphql` then runs only those.',
  }),
  allowArbitraryDocuments: setting({
    name: 'ALLOW_ARBITRARY_DOCUMENTS',
    default: false,
    parse: flag,
    description: 'With a manifest, `true` runs document text too (GraphiQL, development).',
  }),
  corsOrigins: setting({
    name: 'CORS_ORIGINS',
    default: null,
    shownDefault: 'unset: `*`',
    parse: origins,
    description:
      'Comma-separated origins browsers may call `/graphql` from, for example `https://app.example.com`; credentials are never allowed.',
  }),
  introspection: setting({
    name: 'INTROSPECTION',
    default: true,
    parse: flag,
    description:
      '`false` refuses introspection on `/graphql` with `INTROSPECTION_DISABLED`; `/subgraph` still serves `_service`.',
  }),
  subgraphPort: setting<number | null>({
    name: 'SUBGRAPH_PORT',
    default: null,
    shownDefault: 'unset: on `PORT`',
    parse: whole(0, 65535),
    description:
      'A port of its own for `/subgraph` (`0` picks a free one); `PORT` then no longer serves it.',
  }),
  subgraphSecret: setting({
    name: 'SUBGRAPH_SECRET',
    default: null,
    shownDefault: 'unset: open',
    parse: secret,
    description: `At least ${MIN_SECRET_LENGTH} characters; \`/subgraph\` then refuses requests without it in \`X-Subgraph-Secret\`.`,
  }),
  metricsPort: setting<number | null>({
    name: 'METRICS_PORT',
    default: null,
    shownDefault: 'unset: no `/metrics`',
    parse: whole(0, 65535),
    description:
      "The port of `/metrics` (Prometheus), never the API's; unset serves no metrics over HTTP.",
  }),
  keepAliveTimeoutMs: setting({
    name: 'KEEP_ALIVE_TIMEOUT_MS',
    default: 65_000,
    parse: whole(1_000, 3_600_000),
    description:
      "How long an idle keep-alive connection stays open: above a load balancer's idle timeout, so that the balancer closes it first.",
  }),
  requestTimeoutMs: setting({
    name: 'REQUEST_TIMEOUT_MS',
    default: 120_000,
    parse: whole(1_000, 3_600_000),
    description: `How long a client may take to send a whole request; at least \`KEEP_ALIVE_TIMEOUT_MS\` + ${HEADERS_TIMEOUT_MARGIN_MS}.`,
  }),
  shutdownDrainMs: setting({
    name: 'SHUTDOWN_DRAIN_MS',
    default: 5_000,
    parse: whole(0, 600_000),
    description:
      "After SIGTERM, how long the gateway keeps serving with `/ready` at 503 (and `Connection: close`), so that load balancers stop sending first: above a readiness probe's period times its failure threshold.",
  }),
  tagEventsIntervalMs: setting({
    name: 'TAG_EVENTS_INTERVAL_MS',
    default: 10_000,
    parse: whole(2_000, 3_600_000),
    description:
      "How often a watcher of `Subscription.tagEvents` polls SWR's newest tags; at least 2 s, so that SWR is not hammered.",
  }),
  tagEventsMaxSubscriptionsPerToken: setting({
    name: 'TAG_EVENTS_MAX_SUBSCRIPTIONS_PER_TOKEN',
    default: 100,
    parse: whole(1, 10_000),
    description: 'Subscriptions one token may hold at once (`TOO_MANY_SUBSCRIPTIONS` beyond).',
  }),
  tagEventsMaxWatchers: setting({
    name: 'TAG_EVENTS_MAX_WATCHERS',
    default: 1_000,
    parse: whole(1, 100_000),
    description:
      'Watchers (token and repository) one process runs at most (`SUBSCRIPTIONS_EXHAUSTED` beyond).',
  }),
  logLevel: setting<LogLevel>({
    name: 'LOG_LEVEL',
    default: 'info',
    parse: logLevel,
    description: `${LOG_LEVELS.map((level) => `\`${level}\``).join(', ')}; logs are JSON lines (pino).`,
  }),
  nodeEnv: setting({
    name: 'NODE_ENV',
    default: null,
    shownDefault: 'unset',
    parse: text,
    description:
      '`production` hides details of unexpected errors and "Did you mean …?" suggestions.',
  }),
};

type Settings = typeof SETTINGS;
/** The value each setting was read as. */
export type SettingValues = {
  [K in keyof Settings]: Settings[K] extends Setting<infer T> ? T : never;
};

/** Reads every setting; each problem goes to `problems`, and its setting keeps its default. */
function readSettings(env: Env, problems: string[]): SettingValues {
  const read = <T>({ name, default: fallback, parse }: Setting<T>): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const count = problems.length;
    const value = parse(raw, name, problems);
    return problems.length > count ? fallback : value;
  };
  return Object.fromEntries(
    Object.entries(SETTINGS).map(([key, definition]) => [key, read<unknown>(definition)]),
  ) as SettingValues;
}

/**
 * The settings as the layers take them: the query limits gathered, with field suggestions
 * hidden in production, where they reveal the schema.
 */
export interface Config extends Omit<
  SettingValues,
  | keyof Omit<QueryLimits, 'blockFieldSuggestions'>
  | keyof ServerVariants
  | TagEventSettingName
  | 'nodeEnv'
> {
  limits: QueryLimits;
  /** How the SWR server differs from the reference (swr/variants.ts, docs/upstream.md). */
  swrVariants: ServerVariants;
  /** `Subscription.tagEvents` (docs/subscriptions.md). */
  tagEvents: TagEventSettings;
}

type TagEventSettingName =
  'tagEventsIntervalMs' | 'tagEventsMaxSubscriptionsPerToken' | 'tagEventsMaxWatchers';

export interface TagEventSettings {
  intervalMs: number;
  maxSubscriptionsPerToken: number;
  maxWatchers: number;
}

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const values = readSettings(env, problems);
  const { maxDepth, maxAliases, maxTokens, maxDirectives, nodeEnv, ...rest } = values;
  const { maxUpstreamRequests, maxUpstreamAttempts, maxNodes, versionOrderMaxTags, ...others } =
    rest;
  const { repositoryMatch, tagNameOrder, repositoryTimeColumn, wholeListMaxItems, ...more } =
    others;
  const {
    tagEventsIntervalMs,
    tagEventsMaxSubscriptionsPerToken,
    tagEventsMaxWatchers,
    ...settings
  } = more;
  const config: Config = {
    ...settings,
    swrVariants: { repositoryMatch, tagNameOrder, repositoryTimeColumn, wholeListMaxItems },
    tagEvents: {
      intervalMs: tagEventsIntervalMs,
      maxSubscriptionsPerToken: tagEventsMaxSubscriptionsPerToken,
      maxWatchers: tagEventsMaxWatchers,
    },
    limits: {
      maxDepth,
      maxAliases,
      maxTokens,
      maxDirectives,
      maxUpstreamRequests,
      maxUpstreamAttempts,
      maxNodes,
      versionOrderMaxTags,
      // Suggestions ("Did you mean …?") reveal the schema that switched-off introspection hides.
      blockFieldSuggestions: nodeEnv === 'production' || !settings.introspection,
    },
  };
  checkTogether(config, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** The rules that span two settings. */
function checkTogether(config: Config, problems: string[]): void {
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
}
