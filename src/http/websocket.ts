import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  GraphQLError,
  OperationTypeNode,
  getOperationAST,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLSchema,
  type execute,
  type subscribe,
} from 'graphql';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import type { SubscribePayload } from 'graphql-ws';
import { WebSocketServer } from 'ws';
import type { Surface } from '../graphql/yoga';

/**
 * GraphQL over WebSocket (graphql-ws's `graphql-transport-ws` protocol) on the public endpoint,
 * for subscriptions alone: queries and mutations stay on HTTP, behind its body limit, access log
 * and metrics. Each operation runs through yoga's envelop pipeline (parse, validation rules,
 * limits, context with the caller's token) as an HTTP request would.
 *
 * The token travels in the connection's `connection_init` payload (`X-Auth-Token` or
 * `Authorization`, as browsers cannot set headers on a WebSocket), or in the upgrade request's
 * headers.
 */

export interface WebSocketOptions {
  /** The path upgrades are taken on: the public GraphQL endpoint. */
  path: string;
  /** The largest message accepted; larger ones close the connection (1009). */
  maxPayloadBytes: number;
  /**
   * Whether document text runs. With trusted documents enforced, an operation over WebSocket is
   * refused: a front end built with them subscribes over SSE, where the manifest is applied.
   */
  acceptsDocumentText: boolean;
}

export interface WebSocketEndpoint {
  /** Ends every connection and stops taking upgrades. */
  close(): Promise<void>;
}

const TOKEN_HEADERS = ['x-auth-token', 'authorization'] as const;

/** The token's headers for yoga's context: the connection's payload first, then the upgrade's. */
function headersOf(
  payload: Readonly<Record<string, unknown>> | undefined,
  request: IncomingMessage,
) {
  const headers = new Headers();
  for (const name of TOKEN_HEADERS) {
    const given = Object.entries(payload ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];
    const value = typeof given === 'string' ? given : request.headers[name];
    if (typeof value !== 'string') continue;
    try {
      headers.set(name, value);
    } catch {
      // Not a valid header value: no token could be sent on with it either.
    }
  }
  return headers;
}

function refusal(message: string, code: string): GraphQLError[] {
  return [new GraphQLError(message, { extensions: { code } })];
}

/** The envelop pipeline's execute and subscribe, handed to graphql-ws as the root value. */
interface Runners {
  execute: typeof execute;
  subscribe: typeof subscribe;
}

/** The envelop pipeline as graphql-js types it (envelop's own types are looser). */
interface Pipeline extends Runners {
  schema: GraphQLSchema;
  parse(source: string): DocumentNode;
  validate(schema: GraphQLSchema, document: DocumentNode): readonly GraphQLError[];
  contextFactory(): unknown;
}

type SubscribeHook = (
  context: { connectionParams?: Readonly<Record<string, unknown>>; extra: Extra },
  id: string,
  payload: SubscribePayload,
) => Promise<ExecutionArgs | GraphQLError[]>;

/** Runs each operation through the surface's pipeline, as yoga runs an HTTP request. */
function subscribeThrough(surface: Surface, options: WebSocketOptions): SubscribeHook {
  return async (context, _id, payload) => {
    if (!options.acceptsDocumentText) {
      return refusal(
        'Only trusted documents run here: subscribe over SSE.',
        'PERSISTED_QUERY_ONLY',
      );
    }
    const pipeline: Pipeline = surface.getEnveloped({
      req: context.extra.request,
      request: { headers: headersOf(context.connectionParams, context.extra.request) },
      params: payload,
    });
    let document: DocumentNode;
    try {
      document = pipeline.parse(payload.query);
    } catch (error) {
      return [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
    }
    const operation = getOperationAST(document, payload.operationName)?.operation;
    if (operation !== OperationTypeNode.SUBSCRIPTION) {
      return refusal(
        'Only subscriptions run over WebSocket; send queries and mutations over HTTP.',
        'BAD_REQUEST',
      );
    }
    const errors = pipeline.validate(pipeline.schema, document);
    if (errors.length > 0) return [...errors];
    const runners: Runners = { execute: pipeline.execute, subscribe: pipeline.subscribe };
    return {
      schema: pipeline.schema,
      document,
      operationName: payload.operationName,
      variableValues: payload.variables,
      contextValue: await pipeline.contextFactory(),
      rootValue: runners,
    };
  };
}

/** The path of a request target, or null for one that is not a URL path. */
function pathOf(target: string | undefined): string | null {
  try {
    return new URL(target ?? '/', 'http://gateway').pathname;
  } catch {
    return null;
  }
}

const refuseUpgrade = (socket: Duplex, status: string): void => {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
};

export function serveGraphQLOverWebSocket(
  server: Server,
  surface: Surface,
  options: WebSocketOptions,
): WebSocketEndpoint {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes });
  const run = (kind: keyof Runners) => (args: ExecutionArgs) =>
    (args.rootValue as Runners)[kind](args);
  const protocol = useServer(
    {
      execute: run('execute'),
      subscribe: run('subscribe'),
      onSubscribe: subscribeThrough(surface, options),
    },
    sockets,
  );
  const upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = pathOf(request.url);
    if (path !== options.path) {
      refuseUpgrade(socket, path === null ? '400 Bad Request' : '404 Not Found');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (connection) => {
      sockets.emit('connection', connection, request);
    });
  };
  server.on('upgrade', upgrade);
  const close = async (): Promise<void> => {
    server.off('upgrade', upgrade);
    // Subscribers reconnect to another instance; a closing handshake could wait on each.
    for (const connection of sockets.clients) connection.terminate();
    await protocol.dispose();
    await new Promise<void>((resolve) => {
      sockets.close(() => {
        resolve();
      });
    });
  };
  let closing: Promise<void> | null = null;
  return {
    close: () => (closing ??= close()),
  };
}
