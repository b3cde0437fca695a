import { loadConfig } from '../../src/config';
import { DEFAULT_LIMITS, type QueryLimits } from '../../src/graphql/limits';
import { startApp, type App } from '../../src/app';
import {
  DEMO_TOKEN,
  startSandbox,
  type SandboxHandle,
  type SandboxOptions,
} from '../../src/sandbox/server';
import { post, type GraphQLBody } from './http';
import { loopback } from './process';

/**
 * A gateway over HTTP against the sandbox over HTTP, both on loopback ports, started as in
 * production but for the upstream. Tests talk to it with `fetch`, never to its modules.
 */
export interface Harness {
  sandbox: SandboxHandle;
  /** The gateway's GraphQL endpoint, for example http://127.0.0.1:38211/graphql. */
  url: string;
  /** The federation subgraph's endpoint, for example http://127.0.0.1:38211/subgraph. */
  subgraphUrl: string;
  /** Posts a GraphQL request with the token given (the demo token by default; null for none). */
  graphql<T = GraphQLBody>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
  ): Promise<T>;
  /** Posts a GraphQL request to the subgraph endpoint, as a router would (same defaults). */
  subgraph<T = GraphQLBody>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
  ): Promise<T>;
  /** The upstream requests the sandbox served since the last reset. */
  upstreamCount(): number;
  close(): Promise<void>;
}

export type { GraphQLBody, GraphQLError } from './http';

export interface HarnessOptions {
  /** Another upstream than the harness's sandbox. */
  upstream?: string;
  sandbox?: SandboxOptions;
  /** Upstream requests one GraphQL request may have in flight (default 8). */
  upstreamConcurrency?: number;
  limits?: QueryLimits;
}

/**
 * The gateway as `main.ts` starts it: configuration read by `loadConfig` from an environment,
 * and the whole app (the HTTP layer in front of yoga included) on a loopback port.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const sandbox = await startSandbox(options.sandbox);
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    SWR_ENDPOINT: options.upstream ?? sandbox.url,
    SWR_TIMEOUT_MS: '5000',
    SWR_MAX_CONNECTIONS: '16',
    UPSTREAM_CONCURRENCY: String(options.upstreamConcurrency ?? 8),
  });
  let app: App;
  try {
    app = await startApp({ ...config, limits: options.limits ?? DEFAULT_LIMITS }, false);
  } catch (error) {
    await sandbox.close();
    throw error;
  }
  const url = loopback(app.url);
  const subgraphUrl = loopback(app.subgraphUrl);

  const graphql = async <T>(
    endpoint: string,
    query: string,
    variables: Record<string, unknown> = {},
    token: string | null = DEMO_TOKEN,
  ): Promise<T> => {
    const answer = await post(
      endpoint,
      { query, variables },
      token === null ? {} : { 'x-auth-token': token },
    );
    return JSON.parse(answer.text) as T;
  };

  return {
    sandbox,
    url,
    subgraphUrl,
    graphql: (query, variables, token) => graphql(url, query, variables, token),
    subgraph: (query, variables, token) => graphql(subgraphUrl, query, variables, token),
    upstreamCount: () => sandbox.requests.length,
    async close() {
      await app.close();
      await sandbox.close();
    },
  };
}
