/**
 * Leg (j), the floor: the least a graphql-yoga gateway can do for (b)'s page. graphql-yoga with
 * graphql-jit, the schema subset (b) uses (bench/lib/page-schema.ts), and one undici call per
 * page with the gateway's pool settings; no limits, loaders, retries, logs or metrics. What the
 * gateway spends above it is its own overhead.
 *
 *   SWR_ENDPOINT=http://127.0.0.1:… PORT=… node bench/dist/bench/floor/server.js
 */
import { createServer } from 'node:http';
import { useGraphQlJit } from '@envelop/graphql-jit';
import { createSchema, createYoga } from 'graphql-yoga';
import { Pool } from 'undici';
import { createResolvers, tagsPath, totalOf, typeDefs, type SwrTag } from '../lib/page-schema';
import { serveUntilStopped } from '../lib/serve';

interface Context {
  token: string;
}

const endpoint = process.env.SWR_ENDPOINT ?? 'http://127.0.0.1:4010';
const pool = new Pool(endpoint, { connections: 64, keepAliveTimeout: 10_000 });

const resolvers = createResolvers<Context>(async ({ token }, repository, offset, limit) => {
  const response = await pool.request({
    method: 'GET',
    path: tagsPath(repository, offset, limit),
    headers: { 'x-auth-token': token, 'content-type': 'application/json' },
  });
  const items = (await response.body.json()) as SwrTag[];
  if (response.statusCode !== 200) throw new Error(`SWR answered ${response.statusCode}`);
  const range = response.headers['content-range'];
  return { items, total: totalOf(typeof range === 'string' ? range : null, items.length) };
});

const yoga = createYoga<object, Context>({
  schema: createSchema({ typeDefs, resolvers }),
  context: ({ request }) => ({ token: request.headers.get('x-auth-token') ?? '' }),
  plugins: [useGraphQlJit()],
  graphiql: false,
  landingPage: false,
  logging: false,
  // As in the gateway, which bounds bodies in front of yoga instead (src/http/body.ts).
  maxRequestBodySize: false,
});

const server = createServer((request, response) => void yoga.handle(request, response));
serveUntilStopped(server, 4003, () => pool.close());
