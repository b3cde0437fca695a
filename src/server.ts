import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createSchema, createYoga, type GraphiQLOptions, type YogaLogger } from 'graphql-yoga';
import { createContext, type GatewayContext } from './context';
import { resolvers } from './resolvers';
import type { SwrClient } from './swr/client';

/**
 * The GraphQL server: yoga with the schema, the per-request context and an offline GraphiQL.
 * Nothing else in the code base knows yoga.
 */

export const SCHEMA_PATH = join(__dirname, '..', 'schema', 'schema.graphql');

export interface GatewayOptions {
  client: SwrClient;
  upstreamConcurrencyPerRequest: number;
  logger?: YogaLogger | boolean;
  /** GraphiQL's initial headers and query (the sandbox fills them in for newcomers). */
  graphiql?: Pick<GraphiQLOptions, 'headers' | 'defaultQuery'>;
}

export function createGatewaySchema() {
  return createSchema<GatewayContext>({
    typeDefs: readFileSync(SCHEMA_PATH, 'utf8'),
    resolvers,
  });
}

/** GraphiQL with every script and style inlined, rendered once: no CDN is ever asked. */
function offlineGraphiQL(): (options?: GraphiQLOptions) => string {
  const pages = new Map<string, string>();
  return (options) => {
    const key = JSON.stringify(options ?? {});
    let page = pages.get(key);
    if (page === undefined) {
      page = renderGraphiQL(options);
      pages.set(key, page);
    }
    return page;
  };
}

export function createGateway(options: GatewayOptions) {
  const { client, upstreamConcurrencyPerRequest } = options;
  return createYoga<object, GatewayContext>({
    schema: createGatewaySchema(),
    graphqlEndpoint: '/graphql',
    landingPage: false,
    logging: options.logger ?? true,
    context: ({ request }) => createContext(client, request.headers, upstreamConcurrencyPerRequest),
    graphiql: { title: 'SWR GraphQL gateway', ...options.graphiql },
    renderGraphiQL: offlineGraphiQL(),
  });
}
