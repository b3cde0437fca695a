import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { useGraphQlJit } from '@envelop/graphql-jit';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { getOperationAST, parse, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import { createYoga, type GraphiQLOptions, type Plugin, type YogaLogger } from 'graphql-yoga';
import { createContext, type GatewayContext, type RequestRecord } from './context';
import { useOfflineGraphiQL } from './graphiql';
import { DEFAULT_LIMITS, queryLimitPlugins, type QueryLimits } from './limits';
import { resolvers } from '../resolvers';
import type { SwrClient } from '../swr/client';

/**
 * The GraphQL server: yoga with the schema, the per-request context and an offline GraphiQL.
 * Nothing else in the code base knows yoga.
 */

const GRAPHQL_ENDPOINT = '/graphql';

export const SCHEMA_PATH = join(__dirname, '..', '..', 'schema', 'schema.graphql');

export interface GatewayOptions {
  client: SwrClient;
  upstreamConcurrencyPerRequest: number;
  /** How long one GraphQL request may spend on upstream requests, retries included. */
  requestDeadlineMs?: number;
  limits?: QueryLimits;
  logger?: YogaLogger | boolean;
  /** GraphiQL's initial headers and query (the sandbox fills them in for newcomers). */
  graphiql?: Pick<GraphiQLOptions, 'headers' | 'defaultQuery'>;
}

/** What the HTTP layer hands yoga with every request (see `src/http/app.ts`). */
export interface ServerContext {
  record?: RequestRecord;
}

/**
 * The schema, built as an Apollo Federation v2 subgraph: the SDL of `schema/schema.graphql`
 * plus `_service` and `_entities` for the `@key` types, by Apollo's reference implementation.
 */
export function createGatewaySchema(): GraphQLSchema {
  return buildSubgraphSchema([
    {
      typeDefs: parse(readFileSync(SCHEMA_PATH, 'utf8')),
      // The generated resolver types are stricter than Apollo's map; both describe one object.
      resolvers: resolvers as GraphQLResolverMap<GatewayContext>,
    },
  ]);
}

/** Tells the access log which operation a request ran. */
const recordOperationName: Plugin<GatewayContext> = {
  onExecute({ args }) {
    // envelop types the arguments loosely; they are graphql-js's execution arguments.
    const { document, operationName, contextValue } = args as ExecutionArgs & {
      contextValue: GatewayContext;
    };
    contextValue.request.operationName =
      getOperationAST(document, operationName)?.name?.value ?? null;
  },
};

export function createGateway(options: GatewayOptions) {
  const { client, upstreamConcurrencyPerRequest } = options;
  const limits = options.limits ?? DEFAULT_LIMITS;
  const contextOptions = {
    upstreamConcurrency: upstreamConcurrencyPerRequest,
    deadlineMs: options.requestDeadlineMs ?? 30_000,
    maxUpstreamAttempts: limits.maxUpstreamAttempts,
  };
  return createYoga<ServerContext, GatewayContext>({
    schema: createGatewaySchema(),
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    healthCheckEndpoint: '/health',
    landingPage: false,
    // The HTTP layer in front (src/http/app.ts) bounds request bodies: yoga's own limit would stream
    // every body through a counter, which costs about a sixth of the throughput.
    maxRequestBodySize: false,
    logging: options.logger ?? true,
    context: ({ request, record }) =>
      createContext(
        client,
        request.headers,
        record ?? { id: crypto.randomUUID(), operationName: null, upstreamCalls: 0 },
        contextOptions,
      ),
    // GraphiQL as cacheable files, not yoga's page of inlined assets (see graphiql.ts).
    graphiql: false,
    plugins: [
      useOfflineGraphiQL(GRAPHQL_ENDPOINT, { title: 'SWR GraphQL gateway', ...options.graphiql }),
      useGraphQlJit(),
      ...queryLimitPlugins(limits),
      recordOperationName,
    ],
  });
}
