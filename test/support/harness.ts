import { createServer } from 'node:http';
import { createGateway } from '../../src/graphql/yoga';
import { DEMO_TOKEN, startSandbox, type SandboxHandle } from '../../src/sandbox/server';
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
  /** Posts a GraphQL request with the token given (the demo token by default; null for none). */
  graphql<T = GraphQLBody>(
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

export async function startHarness(options: { upstream?: string } = {}): Promise<Harness> {
  const sandbox = await startSandbox();
  const client = new SwrClient({
    endpoint: options.upstream ?? sandbox.url,
    timeoutMs: 5_000,
    maxConnections: 16,
  });
  const gateway = createGateway({ client, upstreamConcurrencyPerRequest: 8, logger: false });
  const server = await listenOnLoopback(
    createServer((request, response) => void gateway(request, response)),
  );
  const url = `${server.url}/graphql`;

  return {
    sandbox,
    url,
    async graphql<T>(
      query: string,
      variables: Record<string, unknown> = {},
      token: string | null = DEMO_TOKEN,
    ): Promise<T> {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
          ...(token === null ? {} : { 'x-auth-token': token }),
        },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as T;
    },
    upstreamCount: () => sandbox.requests.length,
    async close() {
      await server.close();
      await client.close();
      await sandbox.close();
    },
  };
}
