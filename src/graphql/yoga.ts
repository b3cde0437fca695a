import type { IncomingMessage, ServerResponse } from 'node:http';
import { useGraphQlJit } from '@envelop/graphql-jit';
import {
  Kind,
  getOperationAST,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLSchema,
} from 'graphql';
import {
  createYoga,
  type GraphiQLOptions,
  type Plugin,
  type YogaLogger,
  type YogaServerInstance,
} from 'graphql-yoga';
import { createContext, type ServedContext } from './context';
import {
  attachRecord,
  newRequestRecord,
  recordOf,
  type RequestRecord,
  type ServerContext,
} from './request-record';
import { readSchemaCosts } from './cost-schema';
import { DocumentCache } from './document-cache';
import { useOfflineGraphiQL } from './graphiql';
import { DEFAULT_LIMITS, queryLimitPlugins, type QueryLimits } from './limits';
import { DEFAULT_MAX_DOCUMENT_BYTES, requestErrorPlugins } from './request-errors';
import { createSubgraphSchema, publicSchemaOf } from './schema';
import { DOCUMENT_ID_PARAMS, loadTrustedDocuments, useTrustedDocuments } from './trusted-documents';
import { costHints } from '../resolvers/costs';
import type { TagEventSource } from '../subscriptions/tag-events';
import type { SwrClient } from '../swr/client';

/**
 * The GraphQL servers: one yoga for the public API at `/graphql` (with an offline GraphiQL,
 * trusted documents and the introspection switch) and one for the federation subgraph at
 * `/subgraph`, sharing the per-request context, the limits and the plugins. Nothing else in the
 * code base knows yoga.
 */

export const GRAPHQL_ENDPOINT = '/graphql';
export const SUBGRAPH_ENDPOINT = '/subgraph';

export interface GatewayOptions {
  client: SwrClient;
  upstreamConcurrencyPerRequest: number;
  /** How long one GraphQL request may spend on upstream requests, retries included. */
  requestDeadlineMs?: number;
  limits?: QueryLimits;
  logger?: YogaLogger | boolean;
  /** GraphiQL's initial headers and query (the sandbox fills them in for newcomers). */
  graphiql?: Pick<GraphiQLOptions, 'headers' | 'defaultQuery'>;
  /** The trusted documents' manifest; without one, any document runs on `/graphql`. */
  persistedDocuments?: string | null;
  /** With a manifest: whether document text runs too. */
  allowArbitraryDocuments?: boolean;
  /** Whether `/graphql` answers introspection (true by default). */
  introspection?: boolean;
  /** Tracing's plugin, outermost, when tracing is on. */
  tracing?: Plugin;
  /** The tag watchers that serve `Subscription.tagEvents`. */
  tagEvents?: TagEventSource;
  /** The longest document accepted, in bytes of UTF-8. */
  maxDocumentBytes?: number;
}

/** How much document text each surface's parse cache, and its cache of parse errors, may hold. */
const DOCUMENT_CACHE_CHARACTERS = 4_000_000;

/**
 * Serves one request of Node's server on a surface. The HTTP layer's record of it goes along
 * beside Node's request (see `attachRecord`), not as a server context of its own, which yoga's
 * adapter would copy property by property into every request's context.
 */
export function serve(
  surface: Surface,
  request: IncomingMessage,
  response: ServerResponse,
  record: RequestRecord,
): Promise<void> {
  attachRecord(request, record);
  return surface.handle(request, response);
}

/** Serves a request read whole by the HTTP layer (see `serve`); `source` is Node's request. */
export async function serveFetch(
  surface: Surface,
  request: Request,
  source: IncomingMessage,
  record: RequestRecord,
): Promise<Response> {
  attachRecord(source, record);
  return await surface.fetch(request, { req: source });
}

export type Surface = YogaServerInstance<ServerContext, ServedContext>;

/** The two surfaces: the public API and the subgraph routers compose. */
export interface Gateway {
  api: Surface;
  subgraph: Surface;
}

/** Tells the access log and the server span which operation a request ran. */
const recordOperation: Plugin<ServedContext> = {
  onExecute({ args }) {
    // envelop types the arguments loosely; they are graphql-js's execution arguments.
    const { document, operationName, contextValue } = args as ExecutionArgs & {
      contextValue: ServedContext;
    };
    const operation = getOperationAST(document, operationName);
    contextValue.request.operationName = operation?.name?.value ?? null;
    contextValue.request.operationType = operation?.operation ?? null;
  },
};

/**
 * graphql-jit compiles a document for the operation of the first request that runs it and caches
 * the compiled query by document alone: a later request naming another operation of the same
 * document would run the first one, past the limits and the GET rule that judged the one it
 * named. So only documents of one operation are compiled; the others run on graphql-js.
 */
function hasOneOperation({ document }: ExecutionArgs): boolean {
  let operations = 0;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) operations++;
  }
  return operations === 1;
}

/** The options both surfaces share: the HTTP layer's jobs left out, the caches, the context. */
function sharedOptions(options: GatewayOptions, limits: QueryLimits) {
  const contextOptions = {
    upstreamConcurrency: options.upstreamConcurrencyPerRequest,
    deadlineMs: options.requestDeadlineMs ?? 30_000,
    maxUpstreamAttempts: limits.maxUpstreamAttempts,
    versionOrderMaxTags: limits.versionOrderMaxTags,
    tagEvents: options.tagEvents ?? null,
  };
  return {
    healthCheckEndpoint: '/health',
    landingPage: false,
    // The HTTP layer in front (src/http/handler.ts) answers CORS, and bounds request bodies: yoga's
    // own limit would stream every body through a counter, which costs about a sixth of the
    // throughput.
    cors: false,
    maxRequestBodySize: false,
    // No file uploads: a multipart body is refused as an unsupported media type.
    multipart: false,
    logging: options.logger ?? true,
    // Made anew for each surface (a getter), so that each has its own budget.
    get parserAndValidationCache() {
      return {
        documentCache: new DocumentCache<DocumentNode>(DOCUMENT_CACHE_CHARACTERS),
        errorCache: new DocumentCache<unknown>(DOCUMENT_CACHE_CHARACTERS),
      };
    },
    context: (initial: ServerContext & { request: Request }) =>
      createContext(
        options.client,
        initial.request.headers,
        recordOf(initial) ?? newRequestRecord(crypto.randomUUID()),
        contextOptions,
      ),
  } as const;
}

export function createGateway(options: GatewayOptions): Gateway {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const subgraphSchema = createSubgraphSchema();
  const publicSchema = publicSchemaOf(subgraphSchema);
  const documents = options.persistedDocuments
    ? loadTrustedDocuments(options.persistedDocuments, publicSchema)
    : null;
  const shared = sharedOptions(options, limits);
  // Each schema has its own field objects, so each reads the costs its SDL declares.
  // Tracing outermost, so that its span covers every other plugin's work.
  const plugins = (schema: GraphQLSchema, introspection: boolean, guards: Plugin[] = []) => [
    ...(options.tracing ? [options.tracing] : []),
    ...guards,
    useGraphQlJit({}, { enableIf: hasOneOperation }),
    ...requestErrorPlugins({
      introspection,
      maxDocumentBytes: options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES,
    }),
    ...queryLimitPlugins(limits, readSchemaCosts(schema, costHints(limits))),
    recordOperation,
  ];
  const api = createYoga<ServerContext, ServedContext>({
    ...shared,
    schema: publicSchema,
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    // GraphiQL as cacheable files, not yoga's page of inlined assets (see graphiql.ts).
    graphiql: false,
    extraParamNames: DOCUMENT_ID_PARAMS,
    plugins: [
      useOfflineGraphiQL(GRAPHQL_ENDPOINT, { title: 'SWR GraphQL gateway', ...options.graphiql }),
      ...plugins(
        publicSchema,
        options.introspection ?? true,
        documents ? [useTrustedDocuments(documents, options.allowArbitraryDocuments ?? false)] : [],
      ),
    ],
  });
  const subgraph = createYoga<ServerContext, ServedContext>({
    ...shared,
    schema: subgraphSchema,
    graphqlEndpoint: SUBGRAPH_ENDPOINT,
    // Routers, not people, query the subgraph: no GraphiQL. Introspection stays on for the
    // tools that compose it.
    graphiql: false,
    plugins: plugins(subgraphSchema, true),
  });
  return { api, subgraph };
}
