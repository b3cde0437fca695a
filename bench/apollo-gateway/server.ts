/**
 * Leg (f)'s comparison: the gateway a team would typically write with Apollo Server 5 and
 * `@apollo/datasource-rest`, for the schema subset leg (b) uses. A RESTDataSource per request
 * calls the same SWR endpoint with offset/limit; resolvers build edges and cursors (the same
 * cursor format as the gateway, so both answer with the same bytes).
 *
 *   SWR_ENDPOINT=http://127.0.0.1:… PORT=… NODE_ENV=production node bench/dist/bench/apollo-gateway/server.js
 */
import { createHash } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { RESTDataSource, type DataSourceConfig } from '@apollo/datasource-rest';
import { GraphQLError, GraphQLScalarType } from 'graphql';

const typeDefs = /* GraphQL */ `
  scalar DateTime
  scalar BigInt

  type Query {
    repository(namespace: String!, name: String!): Repository
  }

  type Repository {
    namespace: String!
    name: String!
    tags(first: Int, after: String): TagConnection!
  }

  type TagConnection {
    edges: [TagEdge!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type TagEdge {
    cursor: String!
    node: Tag!
  }

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  type Tag {
    name: String!
    digest: String!
    size: BigInt!
    updatedAt: DateTime!
  }
`;

interface SwrTag {
  Tag: string;
  digest: string;
  size: number;
  updated: string;
}

class SwrAPI extends RESTDataSource {
  override baseURL: string;

  constructor(
    endpoint: string,
    private readonly token: string,
    config: DataSourceConfig,
  ) {
    super(config);
    this.baseURL = endpoint.endsWith('/') ? endpoint : `${endpoint}/`;
  }

  override willSendRequest(_path: string, request: { headers: Record<string, string> }): void {
    request.headers['x-auth-token'] = this.token;
    request.headers['content-type'] = 'application/json';
  }

  async listTags(
    namespace: string,
    name: string,
    offset: number,
    limit: number,
  ): Promise<{ items: SwrTag[]; total: number }> {
    const repo = encodeURIComponent(name.replaceAll('/', '$')).replaceAll('%24', '$');
    const { parsedBody, response } = await this.fetch<SwrTag[]>(
      `v2/manage/namespaces/${encodeURIComponent(namespace)}/repos/${repo}/tags`,
      {
        method: 'GET',
        params: {
          offset: String(offset),
          limit: String(limit),
          order_column: 'updated_at',
          order_type: 'desc',
        },
      },
    );
    const total = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1];
    return { items: parsedBody, total: total === undefined ? parsedBody.length : Number(total) };
  }
}

interface Context {
  dataSources: { swr: SwrAPI };
}

interface RepositoryParent {
  namespace: string;
  name: string;
}

const scopeOf = (r: RepositoryParent): string =>
  createHash('sha256')
    .update(JSON.stringify([r.namespace, r.name, 'UPDATED_AT', 'DESC', '']))
    .digest('base64url')
    .slice(0, 10);
const encodeCursor = (scope: string, offset: number, tag: { Tag: string; updated: string }) =>
  Buffer.from(`c1:${scope}:${offset}:${tag.Tag}@${tag.updated}`).toString('base64url');
function decodeCursor(scope: string, cursor: string): number {
  const match = /^c1:([\w-]{10}):(\d+)(?::\S+)?$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (match?.[1] !== scope) {
    throw new GraphQLError('Invalid cursor', { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return Number(match[2]);
}

const resolvers = {
  // SWR's RFC 3339 strings, passed on unchanged as the gateway does.
  DateTime: new GraphQLScalarType({ name: 'DateTime', serialize: (value) => value }),
  BigInt: new GraphQLScalarType({ name: 'BigInt', serialize: (value) => String(value) }),
  Query: {
    repository: (_: unknown, args: RepositoryParent): RepositoryParent => args,
  },
  Repository: {
    async tags(
      repository: RepositoryParent,
      args: { first?: number | null; after?: string | null },
      { dataSources }: Context,
    ) {
      const first = args.first ?? 20;
      if (first < 1 || first > 100) {
        throw new GraphQLError('`first` must be 1 to 100', {
          extensions: { code: 'BAD_USER_INPUT' },
        });
      }
      const scope = scopeOf(repository);
      const start = args.after == null ? 0 : decodeCursor(scope, args.after) + 1;
      // SWR wants offset to be a multiple of limit: read the aligned page(s) holding the window.
      const pageStart = Math.floor(start / first) * first;
      const pages = [
        dataSources.swr.listTags(repository.namespace, repository.name, pageStart, first),
      ];
      if (start > pageStart) {
        pages.push(
          dataSources.swr.listTags(repository.namespace, repository.name, pageStart + first, first),
        );
      }
      const read = await Promise.all(pages);
      const items = read
        .flatMap((p) => p.items)
        .slice(start - pageStart, start - pageStart + first);
      const totalCount = read[0]?.total ?? 0;
      const edges = items.map((tag, i) => ({
        cursor: encodeCursor(scope, start + i, tag),
        node: { name: tag.Tag, digest: tag.digest, size: tag.size, updatedAt: tag.updated },
      }));
      return {
        totalCount,
        edges,
        pageInfo: {
          hasNextPage: start + items.length < totalCount,
          hasPreviousPage: start > 0,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges[edges.length - 1]?.cursor ?? null,
        },
      };
    },
  },
};

async function main(): Promise<void> {
  const endpoint = process.env.SWR_ENDPOINT ?? 'http://127.0.0.1:4010';
  const server = new ApolloServer<Context>({ typeDefs, resolvers });
  const { url } = await startStandaloneServer(server, {
    listen: { port: Number(process.env.PORT ?? 4002), host: process.env.HOST ?? '127.0.0.1' },
    context: ({ req }) => {
      const header = req.headers['x-auth-token'];
      const token = typeof header === 'string' ? header : '';
      return Promise.resolve({
        dataSources: { swr: new SwrAPI(endpoint, token, { cache: server.cache }) },
      });
    },
  });
  process.stdout.write(`apollo gateway ready at ${url}\n`);
  const shutdown = (): void => {
    void server.stop();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`apollo gateway failed to start: ${String(error)}\n`);
  process.exit(1);
});
