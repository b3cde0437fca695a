/**
 * Leg (f)'s comparison: the gateway a team would typically write with Apollo Server 5 and
 * `@apollo/datasource-rest`, for the schema subset leg (b) uses (bench/lib/page-schema.ts). A
 * RESTDataSource per request calls the same SWR endpoint with offset/limit.
 *
 *   SWR_ENDPOINT=http://127.0.0.1:… PORT=… NODE_ENV=production node bench/dist/bench/apollo-gateway/server.js
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { RESTDataSource, type DataSourceConfig } from '@apollo/datasource-rest';
import {
  createResolvers,
  tagsPath,
  totalOf,
  typeDefs,
  type RepositoryParent,
  type SwrTag,
} from '../lib/page-schema';

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
    repository: RepositoryParent,
    offset: number,
    limit: number,
  ): Promise<{ items: SwrTag[]; total: number }> {
    const { parsedBody, response } = await this.fetch<SwrTag[]>(
      tagsPath(repository, offset, limit).slice(1),
      { method: 'GET' },
    );
    return {
      items: parsedBody,
      total: totalOf(response.headers.get('content-range'), parsedBody.length),
    };
  }
}

interface Context {
  dataSources: { swr: SwrAPI };
}

const resolvers = createResolvers<Context>(({ dataSources }, repository, offset, limit) =>
  dataSources.swr.listTags(repository, offset, limit),
);

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
