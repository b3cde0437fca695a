import { createServer, type RequestListener } from 'node:http';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { listenOnLoopback, type Listening } from '../support/listen';

/**
 * A second subgraph for the federation tests, `deployments`, that knows this gateway's
 * repositories only by their key: a supergraph query starts there and continues into the
 * gateway's `/subgraph`.
 */

export const DEPLOYMENTS_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

  type Query {
    deployments: [Deployment!]!
  }

  type Deployment {
    id: ID!
    environment: String!
    repository: Repository!
  }

  type Repository @key(fields: "namespace name", resolvable: false) {
    namespace: String!
    name: String!
  }
`;

export interface Deployment {
  id: string;
  environment: string;
  repository: { namespace: string; name: string };
}

export const DEPLOYMENTS: Deployment[] = [
  { id: 'd1', environment: 'production', repository: { namespace: 'library', name: 'nginx' } },
  { id: 'd2', environment: 'staging', repository: { namespace: 'library', name: 'team/app' } },
];

/** Serves `handler` on a free loopback port; `url` is the address of `path` there. */
export async function listen(handler: RequestListener, path: string): Promise<Listening> {
  const listening = await listenOnLoopback(createServer(handler));
  return { ...listening, url: `${listening.url}${path}` };
}

/** The `deployments` subgraph, answering `deployments`; `url` is its GraphQL endpoint. */
export function startDeployments(deployments: Deployment[] = DEPLOYMENTS): Promise<Listening> {
  const yoga = createYoga({
    schema: buildSubgraphSchema({
      typeDefs: parse(DEPLOYMENTS_SDL),
      resolvers: { Query: { deployments: () => deployments } },
    }),
    logging: false,
  });
  return listen((request, response) => void yoga(request, response), '/graphql');
}
