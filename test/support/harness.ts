import { createServer } from 'node:http';
import type { QueryLimits } from '../../src/graphql/limits';
import { createGateway } from '../../src/graphql/yoga';
import {
  DEMO_TOKEN,
  startSandbox,
  type SandboxHandle,
  type SandboxOptions,
} from '../../src/sandbox/server';
import { SwrClient } from '../../src/swr/client';
import { listenOnLoopback } from './listen';

/**
 * A gateway over HTTP against the sandbox over HTTP, both on loopback ports, as in production
 * but for the upstream. Tests talk to it with `fetch`, never to its modules.
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

export interface GraphQLError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

export interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: GraphQLError[];
}

export interface HarnessOptions {
  /** Another upstream than the harness's sandbox. */
  upstream?: string;
  sandbox?: SandboxOptions;
  /** Upstream requests one GraphQL request may have in flight (default 8). */
  upstreamConcurrency?: number;
  limits?: QueryLimits;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const sandbox = await startSandbox(options.sandbox);
  const client = new SwrClient({
    endpoint: options.upstream ?? sandbox.url,
    timeoutMs: 5_000,
    maxConnections: 16,
  });
  const { api, subgraph } = createGateway({
    client,
    upstreamConcurrencyPerRequest: options.upstreamConcurrency ?? 8,
    logger: false,
    ...(options.limits && { limits: options.limits }),
  });
  const server = await listenOnLoopback(
    createServer((request, response) => {
      const surface = request.url?.startsWith(subgraph.graphqlEndpoint) ? subgraph : api;
      void surface(request, response);
    }),
  );
  const url = `${server.url}${api.graphqlEndpoint}`;
  const subgraphUrl = `${server.url}${subgraph.graphqlEndpoint}`;

  const post = async <T>(
    endpoint: string,
    query: string,
    variables: Record<string, unknown> = {},
    token: string | null = DEMO_TOKEN,
  ): Promise<T> => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        ...(token === null ? {} : { 'x-auth-token': token }),
      },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as T;
  };

  return {
    sandbox,
    url,
    subgraphUrl,
    graphql: (query, variables, token) => post(url, query, variables, token),
    subgraph: (query, variables, token) => post(subgraphUrl, query, variables, token),
    upstreamCount: () => sandbox.requests.length,
    async close() {
      await server.close();
      await client.close();
      await sandbox.close();
    },
  };
}
